"""A contact section becomes one row per person, with role, organisation and status.

A line is "<people>, <role>, <organisation>" in any order after the people: "Johan Nilsson, PL
regionen", "Jessica Ottosson, Coompanion, PL". Role words are the profile's ``contacts.roles``.
People are split on the profile's ``people_separators`` ("och", "&"). Parentheses hold former
holders (after a ``former_markers`` word: "(fd Greta Isaksson)", "(tidigare Alexander
Kinigalakis, slutat)"), extra people ("(och Nina Englund)") or notes ("(fokus ESBR)"). An
organisation part followed by a ``note_words`` word keeps the rest as a note ("regionen fokus
UF"). A contact sub-label of the profile ("Arbetsgrupp:") lists several people with their
organisations, separated by full stops, and gives them its role.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from pipeline.entities.resolver import Resolver
from pipeline.findings import Code
from pipeline.models import Contact, Findings, Status
from pipeline.segment.lists import Item
from pipeline.segment.sections import SectionSpan
from pipeline.profile import LabelSet, Profile, phrase_alternatives

_PAREN = re.compile(r"\(([^()]*)\)")
_SENTENCE = re.compile(r"\.\s+(?=[A-ZÅÄÖ])")


@dataclass(frozen=True)
class ContactPatterns:
    """The profile's contact rules, compiled (``compile_contacts``), with its labels and the words
    for the region's own body."""

    labels: LabelSet
    own_region: frozenset[str]
    former: re.Pattern[str]
    former_alone: re.Pattern[str]
    replaced: re.Pattern[str]
    successor: re.Pattern[str]
    left_after: re.Pattern[str]
    people_separator: re.Pattern[str]
    leading_separator: re.Pattern[str]
    note_start: re.Pattern[str]
    email: re.Pattern[str]
    phone: re.Pattern[str]
    role_suffix: re.Pattern[str]
    roles: dict[str, str]
    particles: frozenset[str]
    modifiers: frozenset[str]


_LEFT_WHEN = r"(?:\s+(?:i|sedan|under|från)?\s*[a-zåäö]*\s*\d{4})?"
"""When a person left, after a left word or former marker: "slutat 2021", "slutade i mars 2022"."""
_SINCE_YEAR = r"\s+(?:från|sedan|fr\.o\.m\.?|t\.o\.m\.?)\s+\d{4}"
"""A year after a role: "ny projektledare från 2022"."""


def compile_contacts(profile: Profile) -> ContactPatterns:
    """The contact rules compiled once, for the profile's compiled form (``pipeline/compiled.py``)."""
    rules = profile.contacts
    former = phrase_alternatives(rules.former_markers)
    separators = "|".join(re.escape(s) for s in rules.people_separators) or "(?!)"
    notes = "|".join(re.escape(w) for w in rules.note_words) or "(?!)"
    return ContactPatterns(
        labels=profile.labels,
        own_region=frozenset(w.casefold() for w in profile.entities.own_region_words),
        former=re.compile(rf"^(?:{former})\s*:?(?:\s+|$)", re.IGNORECASE),
        former_alone=re.compile(rf"^(?:{former}|{phrase_alternatives(rules.left_words)}){_LEFT_WHEN}[.\s]*$",
                                re.IGNORECASE),
        replaced=re.compile(rf"^(?:{phrase_alternatives(rules.replaced_markers)})\s+", re.IGNORECASE),
        successor=re.compile(rf"^(?:{phrase_alternatives(rules.successor_markers)})\s+", re.IGNORECASE),
        left_after=re.compile(rf"(?<!\s)\s+(?:{phrase_alternatives(rules.left_words)}){_LEFT_WHEN}[.\s]*$",
                              re.IGNORECASE),  # "– slutat 2021"
        people_separator=re.compile(rf"(?<!\s)\s+(?:{separators})\s+|^(?:{separators})\s+"),
        leading_separator=re.compile(rf"(?:{separators})\s+"),
        note_start=re.compile(rf"\s(?:{notes})\b", re.IGNORECASE),
        email=re.compile(rf"^(?:(?:{phrase_alternatives(rules.email_prefixes)})\.?\s*:?\s*)?"
                         r"(?P<value>[\w.+-]+(?:@|\[at\]|\(at\))[\w-]+(?:\.[\w-]+)+)$", re.IGNORECASE),  # "anna.berg[at]region.se"
        phone=re.compile(rf"^(?:(?:{phrase_alternatives(rules.phone_prefixes)})\.?\s*:?\s*)?"
                         r"(?P<value>(?:\+\d{1,3}[\s-]?)?\(?0?\d{1,4}\)?(?:[\s\-–]?\d{1,4}){2,6})$", re.IGNORECASE),
        role_suffix=re.compile(rf"^(?:[a-zåäöé]+\s){{0,2}}[a-zåäöé]*(?:{'|'.join(re.escape(x) for x in rules.role_suffixes) or '(?!)'})"
                               rf"(?:{_SINCE_YEAR})?$"),  # "ny projektledare från 2022"
        roles={raw.casefold(): role for raw, role in rules.roles.items()},
        particles=frozenset(rules.name_particles),
        modifiers=frozenset(w.casefold() for w in rules.role_modifiers),
    )


@dataclass(frozen=True)
class Person:
    name: Item
    status: Status
    note: str | None = None
    parenthesised: bool = False
    role_raw: str | None = None
    email: str | None = None
    phone: str | None = None
    named_role: bool = False
    """The role was written for this person (in a parenthesis), not taken from the line."""
    in_parenthesis: bool = False


@dataclass(frozen=True)
class ContactRow:
    """One person of a contact line, with what the line says about them."""

    name: Item
    role: str | None
    role_raw: str | None
    organisation_item: Item | None
    email: str | None
    phone: str | None
    status: Status
    note: str | None
    source_line: str
    parenthesised: bool
    unread: tuple[str, ...] = ()
    """Parts of the line that are neither a person, role, organisation, e-mail nor phone number."""
    line_role_not_theirs: str | None = None
    """The line's role, for a former holder named in parentheses without one of their own: not given to them."""
    extra_details: tuple[str, ...] = ()
    """E-mail addresses and phone numbers of the line that no contact keeps (each keeps one of each):
    in the note, and reported."""


@dataclass(frozen=True)
class _StatusMark:
    """A parenthesis that only says its person left: "(slutat)", "(fd)", "(f.d. PL)"."""

    at: int
    role_raw: str | None


def _is_name_word(word: str, particles: frozenset[str] = frozenset()) -> bool:
    """A capitalised name word in any alphabet ("Lövgren", "Hadžić", "Marie-Louise", "O’Neill"), a
    surname after a particle joined to it ("al-Hassan", "el-Amin", "d'Arc") or one written in
    capitals ("SVENSSON")."""
    if len(word) >= 2 and word.isalpha() and word.isupper():
        return True
    head, dash, rest = word.partition("-")
    if dash and head in particles and rest:
        return _is_name_word(rest)
    if len(word) > 2 and word[1] in "'’" and word[0] in "dl" and word[2].isupper():
        return _is_name_word(word[2:])
    parts = word.split("-")
    return all(len(p) >= 2 and p[0].isupper() and p[1:].replace("'", "").replace("’", "").isalpha()
               and p[1:].replace("'", "").replace("’", "").islower() for p in parts)


_INITIAL = re.compile(r"[A-ZÅÄÖ]\.")


def is_person_name(text: str, particles: frozenset[str] = frozenset()) -> bool:
    """True for two to four capitalised words ("Marie-Louise Lövgren", "Elizabeth George Chandy",
    "Emir Hadžić"), single spaces between them; between the first and the last there may also be
    a middle initial ("Anna K. Berg") and lower-case ``particles`` ("Erik af Klercker", "Karin van
    der Berg")."""
    words = text.split(" ")
    if not 2 <= len(words) <= 5 or not (_is_name_word(words[0]) and _is_name_word(words[-1], particles)):
        return False
    if all(w.isupper() for w in words) and len(words) > 2:
        return False  # three words in capitals are an organisation's name ("SE FORUM AB") more often
    middle = words[1:-1]
    named = sum(_is_name_word(w) for w in middle)
    return 2 + named <= 4 and all(_is_name_word(w) or w in particles or _INITIAL.fullmatch(w) for w in middle) \
        and len(words) - 2 - named <= 2


Visible = tuple[str, int]
"""An entry's text with its parentheses masked, and the offset in the text where it starts (one
character before the entry, so a pattern sees what precedes it): a copy of the entry, not of the
whole text, so a section of many entries is read in linear time."""


def _item(text: str, start: int, end: int, patterns: ContactPatterns, visible: Visible | None = None) -> Item | None:
    """The trimmed item ``text[start:end]``; trimming reads ``visible`` (parentheses masked) when given."""
    shown, at = (text, 0) if visible is None else visible
    while start < end and shown[start - at] in " ,.":
        start += 1
    while end > start and shown[end - 1 - at] in " ,.":
        end -= 1
    lead = patterns.leading_separator.match(shown, start - at, end - at)
    if lead:
        start = lead.end() + at
    return Item(text[start:end], start, end) if end > start else None


def _split(text: str, start: int, end: int, pattern: re.Pattern[str], patterns: ContactPatterns,
           visible: Visible | None = None) -> list[Item]:
    shown, at = (text, 0) if visible is None else visible
    items, last = [], start
    for match in pattern.finditer(shown, start - at, end - at):
        items.append(_item(text, last, match.start() + at, patterns, visible))
        last = match.end() + at
    items.append(_item(text, last, end, patterns, visible))
    return [item for item in items if item is not None]


def _people(text: str, segment: Item, visible: Visible, patterns: ContactPatterns, roles: dict[str, str]
            ) -> list[Item] | None:
    names = _split(text, segment.start, segment.end, patterns.people_separator, patterns, visible)
    if names and all(is_person_name(n.text, patterns.particles) or _leading_role(n.text, patterns, roles)
                     for n in names):
        return names
    return None


def _leading_role(text: str, patterns: ContactPatterns, roles: dict[str, str]) -> bool:
    """True for a role word, in any case, before a person's name ("samordnare Ahmed Yusuf")."""
    first, _, rest = text.partition(" ")
    folded = first.casefold()
    return is_person_name(rest, patterns.particles) and bool(folded in roles or patterns.role_suffix.match(folded))


def _role_led(name: Item, patterns: ContactPatterns, roles: dict[str, str]) -> Person:
    """A current person, with the role word that may lead the name: "Projektledare Mikael
    Källman", "Regionutvecklare Maja Persson" (a role the list lacks, by its suffix) are a role
    and a person of the remaining two or three words."""
    first, _, rest = name.text.partition(" ")
    if _leading_role(name.text, patterns, roles):
        at = name.start + len(first) + 1
        return Person(Item(rest, at, name.end), "current", role_raw=first, named_role=True)
    return Person(name, "current")


def _names_an_organisation(text: str, resolver: Resolver) -> bool:
    """True for a registry name, or one with an office or unit after it ("Coompanion Norrbotten"):
    such capitalised words are an organisation, not a person."""
    return resolver.exact(text) is not None or resolver.resolve(text).method in ("alias", "prefix", "misspelling")


_ROLE_LABEL = re.compile(r"\s*([^\W\d_]+(?: [^\W\d_]+)?)\s*:\s*")
"""A role written as a label before the person: "Projektledare: Ida Svensson"."""


def _only_addresses(line: str, patterns: ContactPatterns) -> bool:
    """True for a line of e-mail addresses and phone numbers only ("e-post: x@y.se, tfn 08-123 130 00")."""
    parts = [p.strip() for p in line.split(",") if p.strip()]
    return bool(parts) and all(patterns.email.match(p) or (patterns.phone.match(p) and _digits(p) >= 6)
                               for p in parts)


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _role_after_former(text: str, patterns: ContactPatterns, roles: dict[str, str]) -> tuple[bool, str | None]:
    """(True, role) when ``text`` is a former marker alone or with a role: "fd", "f.d. PL",
    "tidigare projektledare", "slutat"; (False, None) otherwise."""
    text = text.strip(" ,.")
    if patterns.former_alone.match(text):
        return True, None
    former = patterns.former.match(text)
    if former:
        rest = text[former.end():].strip(" ,")
        if rest.casefold() in roles or patterns.role_suffix.match(rest):
            return True, rest
    return False, None


def _parenthesised(text: str, start: int, end: int, patterns: ContactPatterns, roles: dict[str, str]
                   ) -> tuple[Visible, list[Person], list[str], list[_StatusMark]]:
    """Returns ``text`` with the entry's parentheses blanked out, the people they name, notes, and
    the marks that say the person before them left.

    A parenthesis is read part by part (comma-separated): "fd"/"slutat 2021"/"f.d. PL" alone mark
    the person before it as former; a name after a former or replaced marker is a former holder
    ("fd Greta Isaksson", "ersätter Pernilla Conley Pettersson"); a name followed by "har slutat"
    too; any other name is a current person ("och Nina Englund", "ersatt av Kim Andersson", "nås
    via Sara Lind"); a role word, e-mail address or phone number after a name is that person's;
    anything else is a note."""
    people: list[Person] = []
    notes: list[str] = []
    marks: list[_StatusMark] = []
    masked = list(text[start:end])
    for paren in _PAREN.finditer(text, start, end):
        inner = paren.group(1)
        if inner.strip().isdigit():
            continue  # part of a phone number: "+46 (0)18-471 00 00"
        if _only_addresses(inner, patterns):  # "Emma Hansson (emma.hansson@…)": read as a part of the line
            masked[paren.start() - start], masked[paren.end() - 1 - start] = ",", " "
            continue
        masked[paren.start() - start : paren.end() - start] = " " * (paren.end() - paren.start())
        left, role_raw = _role_after_former(inner, patterns, roles)
        if left:
            marks.append(_StatusMark(paren.start(), role_raw))
            continue
        names = _split(text, paren.start(1), paren.end(1), patterns.people_separator, patterns)
        if names and all(is_person_name(n.text, patterns.particles) for n in names):
            bare = not patterns.leading_separator.match(inner.lstrip())
            people.extend(Person(n, "current", None, parenthesised=bare) for n in names)
            continue
        here: list[Person] = []
        for part in _split(text, paren.start(1), paren.end(1), _COMMA, patterns):
            former_before = bool(here) and here[-1].status == "former"  # "(före detta: A, B)"
            found = _people_in_part(text, part, patterns, roles, former_before)
            if found is not None:
                here.extend(found)
                continue
            left, role_raw = _role_after_former(part.text, patterns, roles)
            if here and (left or part.text.casefold() in roles or patterns.role_suffix.match(part.text)):
                last = here[-1]
                role = role_raw or (None if left else part.text)
                note = last.note if not left or role_raw else "; ".join(n for n in (last.note, part.text) if n)
                here[-1] = replace(last, note=note, role_raw=role or last.role_raw, named_role=bool(role) or
                                   last.named_role, status="former" if left else last.status)  # "(och A, fd)"
            elif left:
                marks.append(_StatusMark(paren.start(), role_raw))
            elif here and (found_email := patterns.email.match(part.text)) is not None:
                here[-1] = replace(here[-1], email=found_email.group("value"))
            elif here and (found_phone := patterns.phone.match(part.text)) is not None and _digits(part.text) >= 6:
                here[-1] = replace(here[-1], phone=found_phone.group("value"))
            else:
                notes.append(part.text)
        people.extend(replace(p, in_parenthesis=True) for p in here)
    before = max(0, start - 1)
    return (text[before:start] + "".join(masked), before), people, notes, marks


def _people_in_part(text: str, part: Item, patterns: ContactPatterns, roles: dict[str, str],
                    former_before: bool = False) -> list[Person] | None:
    """The people a part of a parenthesis names, with their status: "fd Greta Isaksson", "ersätter
    X" (former), "Nina Englund har slutat" (former), "ersatt av Kim Andersson", "via Sara Lind"."""
    body = part.text
    status: Status = "former" if former_before else "current"
    offset = part.start
    role_raw = None
    lead = patterns.former.match(body) or patterns.replaced.match(body)
    if lead:
        status = "former"
    else:
        lead = patterns.successor.match(body)
    if lead:
        body, offset = body[lead.end():], offset + lead.end()
        colon = len(body) - len(body.lstrip(": "))
        body, offset = body[colon:], offset + colon
        first, _, rest = body.partition(" ")
        if rest and first.rstrip(":").casefold() in roles:  # "tidigare PL Johan Nilsson", "tidigare projektledare: …"
            role_raw, body, offset = first.rstrip(":"), rest, offset + len(first) + 1
    left = patterns.left_after.search(body)
    if left:
        body, status = body[: left.start()], "former"
    names = _split(text, offset, offset + len(body), patterns.people_separator, patterns)
    if names and all(is_person_name(n.text, patterns.particles) for n in names):
        return [Person(n, status, role_raw=role_raw, named_role=role_raw is not None) for n in names]
    if lead or left:
        return None
    words = body.split(" ")
    for size in (4, 3, 2):  # the longest name that ends the part: "… nås projektet via Sara Lind"
        name = " ".join(words[-size:])
        if len(words) > size and is_person_name(name, patterns.particles):
            at = offset + len(body) - len(name)
            return [Person(Item(name, at, at + len(name)), "current", body[: len(body) - len(name)].strip() or None)]
    return None


_COMMA = re.compile(r",|\s[–—]\s")
"""Between the parts of a contact line: a comma, or a spaced dash ("Johan Nilsson – projektledare – Region Blekinge")."""
_TRAILING_LEFT = re.compile(r"(?<!\s)\s+[–—-]\s+\S.*$|(?<=\))\s+\S.*$")
"""What follows a dash or a closing parenthesis at the end of an entry ("… – slutat").

A run of white space is entered only at its start (``(?<!\\s)``, here and in ``left_after`` and
``people_separator``): parentheses are blanked out with spaces before these patterns run, so
"Anna Berg (fd) (fd) (fd) …" is one long run, and trying every space of it as a start was
quadratic. A match found from inside a run is found from its start too, so nothing else changes."""
def role_words(patterns: ContactPatterns) -> dict[str, str]:
    """Role words as written (case-folded) -> normalised role: the profile's ``contacts.roles``."""
    return patterns.roles


SOURCE_LINE_MAX = 2000
"""A contact's ``source_line`` keeps at most this many characters of its line (then "…")."""


def parse_entry(
    text: str, start: int, end: int, patterns: ContactPatterns, resolver: Resolver, default_role: str | None = None
) -> list[ContactRow]:
    """Reads one contact entry ``text[start:end]`` into people rows; ``default_role`` is the role
    word of a sub-label that introduces the entry ("Arbetsgrupp")."""
    roles = role_words(patterns)
    own_region = patterns.own_region
    visible, later, notes, marks = _parenthesised(text, start, end, patterns, roles)
    shown, at = visible
    left_at_end = patterns.left_after.search(shown, start - at, end - at)
    trailing = _TRAILING_LEFT.search(shown, start - at, end - at) if left_at_end else None
    if trailing:  # "… (fokus SET) – slutat": the person left
        marks.append(_StatusMark(end, None))
        end = trailing.start() + at
    segments = _split(text, start, end, _COMMA, patterns, visible)
    people: list[Person] = []
    index = 0
    while index < len(segments) and (len(segments) == 1 or index < len(segments) - 1):
        names = _people(text, segments[index], visible, patterns, roles)
        if names is None and index == 0 and (led := _people_in_part(text, segments[0], patterns, roles)):
            people.extend(led)  # "f.d. PL Mikael Källman", "tidigare projektledare Anna Ek"
            index += 1
            continue
        if names is None or _names_an_organisation(segments[index].text, resolver):
            break
        people.extend(_role_led(n, patterns, roles) for n in names)
        index += 1
    role_raw = default_role
    everyone_left = False
    organisation_item: Item | None = None
    emails: list[str] = []
    phones: list[str] = []
    unread: list[str] = []
    for segment in segments[index:]:
        piece = segment.text
        left, left_role = _role_after_former(piece, patterns, roles)
        former = patterns.former.match(piece) if not left else None
        if former and former.end() < len(piece):  # "f.d. PL regionen": the person left; read the rest
            everyone_left = True
            segment = Item(piece[former.end():], segment.start + former.end(), segment.end)
            piece = segment.text
        first, _, rest = piece.partition(" ")
        if (found := patterns.email.match(piece)) is not None:
            emails.append(found.group("value"))
        elif (found := patterns.phone.match(piece)) is not None and _digits(piece) >= 6:
            phones.append(found.group("value"))
        elif left:
            everyone_left = True
            role_raw = left_role or role_raw
        elif piece.casefold() in roles:
            role_raw = piece
        elif first.casefold() in roles and rest and organisation_item is None:
            role_raw = first
            organisation_item = _item(text, segment.start + len(first) + 1, segment.end, patterns)
        elif role_raw is None and patterns.role_suffix.match(piece):
            role_raw = piece  # "regional koordinator", "affärscoach": a role the list may lack
        elif (role_raw is None and " " not in piece and piece.islower() and piece.casefold() not in own_region
              and not resolver.is_known(piece)):
            role_raw = piece  # an unlisted role word ("kommunikatör"); reported, never an organisation
        elif organisation_item is None:
            organisation_item = segment
        else:
            notes.append(piece)
            unread.append(piece)
    if organisation_item is not None:
        note_start = patterns.note_start.search(organisation_item.text)
        if note_start:
            notes.insert(0, organisation_item.text[note_start.start() + 1 :])
            organisation_item = Item(organisation_item.text[: note_start.start()], organisation_item.start,
                                     organisation_item.start + note_start.start())
    people = _apply_marks(people, marks, everyone_left, text)
    note = "; ".join(notes) or None
    everyone = sorted(people + later, key=lambda p: p.name.start)
    current = [p for p in everyone if p.status == "current"]
    line = text[start:end]
    if len(line) > SOURCE_LINE_MAX:  # each row carries the line: a line of thousands of names must not
        line = line[:SOURCE_LINE_MAX] + "…"  # make the output grow with the square of its length
    details = {id(p): (p.email or _owned(emails, p, everyone, current), p.phone or _owned(phones, p, everyone, current))
               for p in everyone}
    kept = {value for pair in details.values() for value in pair if value}
    extra = tuple(dict.fromkeys(v for v in (*emails, *phones) if v not in kept))
    if extra:
        note = "; ".join(n for n in (note, *extra) if n)
    return [
        ContactRow(
            name=person.name,
            role=_normalised(own, roles, patterns.modifiers),
            role_raw=own,
            organisation_item=organisation_item,
            email=details[id(person)][0],
            phone=details[id(person)][1],
            status=person.status,
            note="; ".join(n for n in (note, person.note) if n) or None,
            source_line=line,
            parenthesised=person.parenthesised,
            unread=tuple(unread),
            line_role_not_theirs=role_raw if own is None and person.in_parenthesis else None,
            extra_details=extra,
        )
        for person, own in ((person, _role_of(person, role_raw)) for person in everyone)
    ]


def _role_of(person: Person, line_role: str | None) -> str | None:
    """The person's role as written: their own, else the line's, except for a former holder named in
    parentheses without one ("PL, regionen (fd Greta Isaksson)"): the line does not give it to them."""
    if person.role_raw or (person.in_parenthesis and person.status == "former" and not person.named_role):
        return person.role_raw
    return line_role


_ROLE_SINCE = re.compile(rf"{_SINCE_YEAR}$")


def _normalised(role_raw: str | None, roles: dict[str, str], modifiers: frozenset[str] = frozenset()) -> str | None:
    """The profile's role for ``role_raw``: the phrase's own, else that of the phrase without a
    leading modifier word and a trailing year ("ny projektledare från 2022" is a projektledare),
    else the phrase case-folded ("regional koordinator")."""
    if not role_raw:
        return None
    folded = role_raw.casefold()
    first, _, rest = folded.partition(" ")
    bare = _ROLE_SINCE.sub("", rest if first in modifiers and rest else folded)
    return roles.get(folded) or roles.get(bare) or folded


def _apply_marks(people: list[Person], marks: list[_StatusMark], everyone_left: bool, text: str) -> list[Person]:
    """Marks people former: the person right before a "(slutat)" mark, or everyone in the entry
    when the mark (or a "f.d. PL" part) follows the role or organisation."""
    result = list(people)
    reach = []  # where the white space after each person's name ends: a mark there is right after the name
    for person in result:
        at = person.name.end
        while at < len(text) and text[at].isspace():
            at += 1
        reach.append(at)
    for mark in marks:
        before = [n for n, p in enumerate(result) if p.name.end <= mark.at <= reach[n]]
        targets = before or range(len(result))
        for n in targets:
            result[n] = replace(result[n], status="former", role_raw=mark.role_raw or result[n].role_raw)
    if everyone_left:
        result = [replace(p, status="former") for p in result]
    return result


def _owned(values: list[str], person: Person, everyone: list[Person], current: list[Person]) -> str | None:
    """The e-mail address or phone number of a person: the only one for the only person, else the
    one whose text names the person (an address "anna.ek@…" is Anna Ek's)."""
    if not values:
        return None
    if len(everyone) == 1 or (len(current) == 1 and person is current[0] and len(values) == 1):
        return values[0]
    return next((v for v in values if _names(v, person.name.text)), None)


def _names(address: str, name: str) -> bool:
    """True when an e-mail address holds every part of a person's name ("anna.ek@…" is Anna Ek's)."""
    folded = _ascii(address)
    return all(_ascii(part) in folded for part in name.split())


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()


def parse_contacts(text: str, start: int, end: int, patterns: ContactPatterns, resolver: Resolver,
                   section: str = "contact", unread: list[Item] | None = None) -> list[ContactRow]:
    """Reads every line of the contact section ``text[start:end]``; the entries no person is read
    from go to ``unread`` when it is given."""
    labels = patterns.labels
    rows: list[ContactRow] = []
    offset = start
    for line in text[start:end].split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        if not line.strip():
            continue
        default_role = group = None
        match = labels.sub_label.match(line)
        sub = labels.sub_labels.get(" ".join(match.group(1).split()).casefold()) if match else None
        if match and sub is not None and sub.section == section:  # "Arbetsgrupp: …": the group, as a note
            group = match.group(1)
            line_start += match.end() + len(line[match.end():]) - len(line[match.end():].lstrip())
        if rows and _only_addresses(text[line_start:line_end], patterns):
            # the previous person's e-mail address and phone number, on a line of their own
            for part in text[line_start:line_end].split(","):
                email, phone = patterns.email.match(part.strip()), patterns.phone.match(part.strip())
                if email:  # the person the address names ("malin.fors@…"), else the one before it
                    n = next((n for n, row in enumerate(rows) if row.email is None and _names(email.group("value"),
                              row.name.text)), len(rows) - 1)
                    if rows[n].email is None:
                        rows[n] = replace(rows[n], email=email.group("value"))
                elif phone and rows[-1].phone is None:
                    rows[-1] = replace(rows[-1], phone=phone.group("value"))
            continue
        lead = patterns.former.match(text[line_start:line_end])  # "F.d. projektledare: Matilda Rehnström"
        role_label = _ROLE_LABEL.match(text, line_start + (lead.end() if lead else 0), line_end)
        left = False
        if lead and role_label and (again := labels.match(text[line_start + lead.end() : line_end])) is not None \
                and again[0] == section:  # "Tidigare kontaktperson: Ulf Karlsson": the people named left
            line_start, left, role_label = role_label.end(), True, None
        if default_role is None and role_label and (role_label.group(1).casefold() in role_words(patterns)
                                                    or patterns.role_suffix.match(role_label.group(1).casefold())):
            default_role = role_label.group(1)  # "Projektledare: Ida Svensson, Region Värmland"
            line_start, left = role_label.end(), lead is not None
        entries = _split(text, line_start, line_end, _SENTENCE, patterns) if default_role or group else \
            [Item(text[line_start:line_end], line_start, line_end)]
        for entry in entries:
            found = parse_entry(text, entry.start, entry.end, patterns, resolver, default_role)
            if not found and unread is not None and any(ch.isalpha() for ch in entry.text):
                unread.append(entry)
            for row in found:
                if group:
                    row = replace(row, note="; ".join(n for n in (group, row.note) if n))
                rows.append(replace(row, status="former") if left else row)
    return rows


def read_contacts(text: str, spans: list[SectionSpan], patterns: ContactPatterns, resolver: Resolver,
                  identify: Callable[[str, Item], str], findings: Findings) -> list[Contact]:
    """The people of a region's contact sections; ``identify(section, item)`` records the
    organisation a line names and returns its id."""
    contacts: list[Contact] = []
    roles = role_words(patterns)
    for span in spans:
        unread: list[Item] = []
        rows = parse_contacts(text, span.start, span.end, patterns, resolver, span.section, unread)
        if not rows and span.end > span.start:
            findings.add(Code.contacts_not_found, f"no person read from the contact text {text[span.start:span.end]!r}",
                         text[span.start : span.end], span.start, span.end)
        elif rows:
            for entry in unread:  # a line of the section no person was read from: a contact may be lost
                findings.add(Code.contact_line_not_read, f"no person read from the contact line {entry.text[:80]!r}; "
                             "if it names one, the contacts miss them", entry.text, entry.start, entry.end)
        reported: set[tuple[str, str]] = set()
        for row in rows:
            organisation_id = None
            if row.organisation_item is not None:
                organisation_id = identify(span.section, row.organisation_item)
            if row.parenthesised:
                findings.add(Code.contact_status_unclear,
                             f"{row.name.text} is named in parentheses without 'fd' or 'tidigare'; kept as current",
                             row.source_line, row.name.start, row.name.end)
            if row.line_role_not_theirs:
                findings.add(Code.former_holder_without_role, f"{row.name.text} is named in parentheses as a former "
                             f"holder; the line's role {row.line_role_not_theirs!r} is not written for them, so their "
                             "role is left empty", row.source_line, row.name.start, row.name.end)
            if row.role_raw and row.role_raw.casefold() not in roles:
                findings.add(Code.unknown_role, f"role {row.role_raw!r} is not in the profile's contacts.roles; "
                             "kept as written", row.role_raw, row.name.start, row.name.end)
            kept_in_note = [(part, "is another e-mail address or phone number of the contact line; a contact keeps "
                             "one of each, so it is kept in the note") for part in row.extra_details]
            kept_in_note += [(part, "in the contact line is not a person, role, organisation, e-mail address or phone "
                              "number; kept as the note") for part in row.unread]
            for part, why in kept_in_note:
                if (row.source_line, part) not in reported:
                    reported.add((row.source_line, part))
                    findings.add(Code.contact_part_not_read, f"{part!r} {why}", part, row.name.start, row.name.end)
            contacts.append(Contact(
                name=row.name.text, role=row.role, role_raw=row.role_raw, organisation_id=organisation_id,
                organisation_raw=row.organisation_item.text if row.organisation_item else None,
                email=row.email, phone=row.phone, status=row.status, note=row.note, source_line=row.source_line,
                start=row.name.start, end=row.name.end))
    return contacts
