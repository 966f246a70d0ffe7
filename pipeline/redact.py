"""Personal data: contact names become stable pseudonyms.

The same name with the same salt always gets the same pseudonym, across runs and documents. A
pseudonym is two capitalised words ("Person Qxkbtwra"), so the redacted text still parses as a
contact line. Every occurrence of a contact's name in the text is replaced, in contact lines and
anywhere else, before the text is extracted again; so no offset points at a real name.
"""

from __future__ import annotations

import hashlib
import hmac
import re

DEFAULT_SALT = "regional-social-enterprise-pipeline"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def pseudonym(name: str, salt: str = DEFAULT_SALT) -> str:
    """A stable pseudonym for a person's name."""
    digest = hmac.new(salt.encode("utf-8"), " ".join(name.split()).casefold().encode("utf-8"), hashlib.sha256).digest()
    word = "".join(_LETTERS[b % 26] for b in digest[:8])
    return f"Person {word.capitalize()}"


def redact(text: str, names: list[str], salt: str = DEFAULT_SALT) -> str:
    """Returns ``text`` with every whole-word occurrence of each name replaced by its pseudonym."""
    for name in sorted(set(names), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", pseudonym(name, salt), text)
    return text


def salt_fingerprint(salt: str | None) -> str | None:
    """What the cache records of a redaction setting: never the salt itself."""
    return None if salt is None else hashlib.sha256(f"redact:{salt}".encode("utf-8")).hexdigest()[:16]
