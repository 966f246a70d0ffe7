"""Personal data: names, e-mail addresses, phone numbers and personal identity numbers become
stable pseudonyms before the text is extracted again, so no value and no offset points at them.

Names are the contact parser's people and every PERSON span the entity rules find anywhere in
the text (``entities.people_anywhere``). Each name is replaced wherever it occurs in any form a
reader would still recognise: in any letter case ("JOHAN NILSSON"), in the genitive ("Johan
Nilssons", "Lars'"), and with any white space or a line break between its words or after a
hyphen ("Johan\\nNilsson"). A surname or first name alone is not a name to the rules and stays.

The same value and salt always give the same pseudonym, across runs and documents; a pseudonym
of a name is two capitalised words ("Person Qxkbtwra"), so the redacted text still parses as a
contact line. The salt is a secret of at least ``MIN_SALT_LENGTH`` characters that the user
gives: a salt anyone knows (a built-in default) would let anyone reverse the pseudonyms by
hashing candidate names.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
import hmac
import re
from collections.abc import Iterable

from pipeline.errors import ConfigurationError

MIN_SALT_LENGTH = 16
"""A shorter salt could be found by trying candidates; 16 random characters cannot."""
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}(?: ?@ ?|%40|\s?[\[(]\s?(?:at|a|snabel-a)\s?[\])]\s?)[\w-]{1,63}"
                    r"(?:\.[\w-]{1,63}){1,8}(?![\w-])"
                    r"|(?<![\w.+-])[\w.+-]{1,64}\s+(?:at|snabel-a)\s+[\w-]{1,63}(?:\s+(?:dot|punkt)\s+[\w-]{1,63}){1,8}"
                    r"(?![\w-])", re.IGNORECASE)
"""An e-mail address, also as people write it to dodge harvesters ("lena.karlsson [at] almi.se",
"lena(a)almi.se", "lena @ almi.se", "lena at almi dot se") or as a link encodes it ("lena%40almi.se")."""
_PROFILE_URL = re.compile(r"(?:https?://)?(?:[\w-]+\.)*(?:linkedin\.com|facebook\.com|fb\.com|twitter\.com|x\.com"
                          r"|instagram\.com|tiktok\.com|threads\.net)/[^\s,;)\]>\"']+", re.IGNORECASE)
"""A link to a person's page on a social network: its address spells the name ("linkedin.com/in/bo-ek-12345")."""
_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2212"
"""The dashes a phone number is written with: hyphen-minus, hyphen, non-breaking hyphen, figure
dash, en dash ("070–123 45 67", common in Swedish typography), em dash and minus sign."""
_PHONE_SEPARATOR = rf"(?: ?[{_DASH}/] ?| |\.)"
_PHONE = re.compile(rf"(?<![\w+(])(?:(?:\+\d{{1,3}}|(?:00)?46){_PHONE_SEPARATOR}?(?:\(0\){_PHONE_SEPARATOR}?)?|0|\(0)"
                    rf"\d{{1,4}}\)?"
                    rf"(?:{_PHONE_SEPARATOR}?\d{{1,4}}){{1,5}}(?![\w])")
"""A phone number: "+46 (0)10-123 45 67", "070–123 45 67", "(08) 123 45 67", "070.123.45.67",
"08/123 45 67", and Sweden's country code without its plus ("46 70 123 45 67", "0046701234567")."""
_PHONE_DIGITS = (7, 15)
"""A phone number has 7 to 15 digits (ITU E.164 allows at most 15); fewer is another number."""
_IDENTITY_NUMBER = re.compile(r"(?<![\w-])(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|[6-8]\d|9[01])"
                              r"(?: ?[-+\u2010-\u2014\u2212] ?| )?\d{4}(?![\w-])")
"""A Swedish personal identity or co-ordination number (YYMMDD-NNNN, day + 60 for the latter).
An organisation number has 20 or more where the month is, so it is not one. The parts may be
joined by any dash, with or without spaces ("800101–1234", "19750315 - 5678")."""
_WORD = re.compile(r"\w+")


def check_salt(salt: str | None) -> str:
    """The salt, or ``ConfigurationError`` (one line) when there is none or it is too short."""
    if not salt:
        raise ConfigurationError(
            "--redact-people needs a secret salt: --salt-file FILE, --salt SECRET or PIPELINE_REDACT_SALT (make one "
            "with: python -c 'import secrets; print(secrets.token_urlsafe(32))' > salt.txt)")
    if len(salt) < MIN_SALT_LENGTH:
        raise ConfigurationError(f"the redaction salt has {len(salt)} characters; use at least {MIN_SALT_LENGTH} "
                                 "random ones, or the pseudonyms can be reversed")
    return salt


def _word(value: str, salt: str, kind: str) -> str:
    digest = hmac.new(salt.encode("utf-8"), f"{kind}\0{value}".encode("utf-8"), hashlib.sha256).digest()
    return "".join(_LETTERS[b % 26] for b in digest[:8])


_GENITIVE_END = re.compile(r"(?<=[^\Waeiouyåäöéüsxz])s$|[’']s?$", re.IGNORECASE)
"""A genitive ending of a name's last word ("Karlssons", "Holms", "Berg's"); a name that ends in a
vowel and "s" ("Jonas") is a name, not a genitive."""


def base_name(name: str) -> str:
    """A name without a genitive ending on its last word: "Lena Karlssons" is "Lena Karlsson", so
    the person has the same pseudonym wherever she is named, in whichever form."""
    words = name.split()
    if len(words) >= 2 and len(words[-1]) > 3:
        words[-1] = _GENITIVE_END.sub("", words[-1])
    return " ".join(words)


def name_key(name: str) -> str:
    """A name as the redaction compares it: without a genitive ending, case-folded words joined by
    single spaces."""
    return " ".join(base_name(name).replace("-", "- ").split()).replace("- ", "-").casefold()


def pseudonym(name: str, salt: str) -> str:
    """A stable pseudonym for a person's name."""
    digest = hmac.new(salt.encode("utf-8"), name_key(name).encode("utf-8"), hashlib.sha256).digest()
    word = "".join(_LETTERS[b % 26] for b in digest[:8])
    return f"Person {word.capitalize()}"


def _form_key(name: str) -> str:
    return " ".join(name.replace("-", "- ").split()).replace("- ", "-").casefold()


_GENITIVE_AFTER = re.compile(r"(?:[’']s|s|[’'])?(?!\w)")
"""What may follow a name: a genitive ending, then no letter or digit."""


def _pieces(form: str) -> tuple[tuple[str, ...], ...]:
    """A name's words, each as its hyphen-joined pieces, lower-cased: "Marie-Louise Lövgren" is
    (("marie", "louise"), ("lövgren",))."""
    return tuple(tuple(piece.lower() for piece in word.split("-")) for word in form.split())


def _match(text: str, at: int, pieces: tuple[tuple[str, ...], ...]) -> int | None:
    """Where a name of ``pieces`` written at ``at`` ends (before any genitive), or None: its words
    in any case, any white space between them, and white space after a hyphen inside a word
    ("Marie-\nLouise")."""
    pos = at
    for n, word in enumerate(pieces):
        if n:  # between the words: white space, at least one character of it
            start = pos
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos == start:
                return None
        for k, piece in enumerate(word):
            if k:
                if text[pos : pos + 1] != "-":
                    return None
                pos += 1
                while pos < len(text) and text[pos].isspace():
                    pos += 1
            if text[pos : pos + len(piece)].lower() != piece:
                return None
            pos += len(piece)
    return pos


class NameRedactor:
    """Replaces every written form of a list of names with its pseudonym; prepared once for the
    names (by first word, longest first), then applied to as many texts as needed in time linear
    in each text: no pattern is compiled per name."""

    def __init__(self, names: Iterable[str], salt: str) -> None:
        self.salt = salt
        keys: dict[str, str] = {}  # a written form, folded -> the form
        same_as: dict[str, str] = {}  # a written form -> the name whose pseudonym it gets
        for n in names:
            if not n.split():
                continue
            for form in (n, base_name(n)):  # "Lena Karlssons" and "Lena Karlsson"; "Anna Lars" stays too
                written = _form_key(form)
                if written not in keys:
                    keys[written] = form
                    same_as[written] = n
        for key, name in list(keys.items()):  # "Nilsson, Johan": the surname first, as lists write it
            words = name.split()
            if len(words) >= 2:
                reversed_name = f"{words[-1]}, {' '.join(words[:-1])}"
                if _form_key(reversed_name) not in keys:
                    keys[_form_key(reversed_name)] = reversed_name
                    same_as[_form_key(reversed_name)] = same_as.get(key, name)
        self.by_first: dict[str, list[tuple[tuple[tuple[str, ...], ...], str]]] = {}
        for key in sorted(keys, key=lambda k: (-len(k), k)):
            first = _WORD.match(key)
            if first is not None:
                self.by_first.setdefault(first.group().casefold(), []).append((_pieces(keys[key]), same_as[key]))

    def __call__(self, text: str) -> str:
        if not self.by_first:
            return text
        out, last = [], 0
        for word in _WORD.finditer(text):
            if word.start() < last or (word.start() > 0 and text[word.start() - 1].isalnum()):
                continue
            candidates = self.by_first.get(word.group().casefold())
            if not candidates:
                continue
            for pieces, target in candidates:
                end = _match(text, word.start(), pieces)
                if end is None:
                    continue
                genitive = _GENITIVE_AFTER.match(text, end)
                if genitive is None:
                    continue
                out += [text[last : word.start()], pseudonym(target, self.salt), genitive.group()]
                last = genitive.end()
                break
        return "".join(out) + text[last:]


def redact_names(text: str, names: Iterable[str], salt: str) -> str:
    """Returns ``text`` with every occurrence of each name, in any case, in the genitive and with
    any white space between its words, replaced by its pseudonym (a genitive ending is kept)."""
    return NameRedactor(names, salt)(text)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _phone(match: re.Match[str], salt: str) -> str:
    digits = _digits(match.group())
    if not _PHONE_DIGITS[0] <= len(digits) <= _PHONE_DIGITS[1]:
        return match.group()
    return f"telefon-{_word(digits, salt, 'phone')}"


def redact_contact_details(text: str, salt: str, details: Iterable[str] = ()) -> str:
    """Returns ``text`` with e-mail addresses, phone numbers, links to people's pages and personal
    identity numbers replaced by stable placeholders ("e-post-qxkbtwra@redacted.invalid",
    "telefon-…", "profil-…", "personnummer-…"); ``details`` are e-mail addresses and phone numbers
    the contacts stage read, replaced wherever they are written, whatever their form."""
    for detail in sorted({d for d in details if d and len(_digits(d)) >= _PHONE_DIGITS[0] or "@" in d},
                         key=lambda d: (-len(d), d)):
        kind = "email" if "@" in detail else "phone"
        placeholder = (f"e-post-{_word(detail.casefold(), salt, kind)}@redacted.invalid" if kind == "email"
                       else f"telefon-{_word(_digits(detail), salt, kind)}")
        text = text.replace(detail, placeholder)
    text = _PROFILE_URL.sub(lambda m: f"profil-{_word(m.group().casefold(), salt, 'url')}", text)
    text = _EMAIL.sub(lambda m: f"e-post-{_word(m.group().casefold(), salt, 'email')}@redacted.invalid", text)
    text = _IDENTITY_NUMBER.sub(lambda m: f"personnummer-{_word(_digits(m.group()), salt, 'pnr')}", text)
    return _PHONE.sub(lambda m: _phone(m, salt), text)


class Redactor:
    """Every name of ``names``, every detail of ``details`` and every e-mail address, phone number
    and identity number replaced by its pseudonym, in each text it is given; prepared once."""

    def __init__(self, names: Iterable[str], salt: str, details: Iterable[str] = ()) -> None:
        self.names = NameRedactor(names, salt)
        self.salt = salt
        self.details = tuple(details)

    def __call__(self, text: str) -> str:
        return redact_contact_details(self.names(text), self.salt, self.details)


def redact(text: str, names: Iterable[str], salt: str, details: Iterable[str] = ()) -> str:
    """``text`` through a ``Redactor`` of ``names``, ``salt`` and ``details``."""
    return Redactor(names, salt, details)(text)


FINGERPRINT_COST = {"n": 2**14, "r": 8, "p": 1}
"""scrypt's cost for the salt's fingerprint (about 0.1 s and 16 MiB a try): the fingerprint is
published with a redacted dataset, so it is made slow to test guesses at the salt with."""


@lru_cache(maxsize=4)
def salt_fingerprint(salt: str | None) -> str | None:
    """What a redacted dataset and the cache record of the redaction: a slow, one-way fingerprint of
    the salt (scrypt), never the salt itself; the same salt gives the same fingerprint."""
    if salt is None:
        return None
    return hashlib.scrypt(salt.encode("utf-8"), salt=b"regional-social-enterprise-pipeline: redaction salt",
                          dklen=8, maxmem=64 * 2**20, **FINGERPRINT_COST).hex()
