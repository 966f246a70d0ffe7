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
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.entities.resolver import Resolver
from pipeline.findings import Code
from pipeline.models import Contact, Findings, Status
from pipeline.parse.lists import Item
from pipeline.parse.sections import SectionSpan
from pipeline.profile import ContactRules, Profile, phrase_pattern

_NAME_WORD = r"[A-ZÅÄÖÉÜØ][a-zåäöéüøèáíóú'’]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéüøèáíóú'’]+)?"
_PERSON = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD}){{1,3}}")
_PAREN = re.compile(r"\(([^()]*)\)")
_SENTENCE = re.compile(r"\.\s+(?=[A-ZÅÄÖ])")


@dataclass(frozen=True)
class _Patterns:
    former: re.Pattern[str]
    people_separator: re.Pattern[str]
    leading_separator: re.Pattern[str]
    note_start: re.Pattern[str]
    roles: dict[str, str]


@lru_cache(maxsize=8)
def _patterns(rules: ContactRules) -> _Patterns:
    former = "|".join(phrase_pattern(m) for m in sorted(rules.former_markers, key=len, reverse=True))
    separators = "|".join(re.escape(s) for s in rules.people_separators)
    notes = "|".join(re.escape(w) for w in rules.note_words)
    return _Patterns(
        former=re.compile(rf"^(?:{former})\s+" if former else r"(?!)", re.IGNORECASE),
        people_separator=re.compile(rf"\s+(?:{separators})\s+|^(?:{separators})\s+" if separators else r"(?!)"),
        leading_separator=re.compile(rf"(?:{separators})\s+" if separators else r"(?!)"),
        note_start=re.compile(rf"\s(?:{notes})\b" if notes else r"(?!)", re.IGNORECASE),
        roles={raw.casefold(): role for raw, role in rules.roles.items()},
    )


@dataclass(frozen=True)
class Person:
    name: Item
    status: Status
    note: str | None = None
    parenthesised: bool = False


@dataclass(frozen=True)
class ContactRow:
    """One person of a contact line, with what the line says about them."""

    name: Item
    role: str | None
    role_raw: str | None
    organisation_item: Item | None
    status: Status
    note: str | None
    source_line: str
    parenthesised: bool


def is_person_name(text: str) -> bool:
    """True for two to four capitalised words ("Marie-Louise Lövgren", "Elizabeth George Chandy")."""
    return _PERSON.fullmatch(text) is not None


Visible = tuple[str, int]
"""An entry's text with its parentheses masked, and the offset in the text where it starts (one
character before the entry, so a pattern sees what precedes it): a copy of the entry, not of the
whole text, so a section of many entries is read in linear time."""


def _item(text: str, start: int, end: int, patterns: _Patterns, visible: Visible | None = None) -> Item | None:
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


def _split(text: str, start: int, end: int, pattern: re.Pattern[str], patterns: _Patterns,
           visible: Visible | None = None) -> list[Item]:
    shown, at = (text, 0) if visible is None else visible
    items, last = [], start
    for match in pattern.finditer(shown, start - at, end - at):
        items.append(_item(text, last, match.start() + at, patterns, visible))
        last = match.end() + at
    items.append(_item(text, last, end, patterns, visible))
    return [item for item in items if item is not None]


def _people(text: str, segment: Item, visible: Visible, patterns: _Patterns) -> list[Item] | None:
    names = _split(text, segment.start, segment.end, patterns.people_separator, patterns, visible)
    return names if names and all(is_person_name(n.text) for n in names) else None


def _parenthesised(text: str, start: int, end: int, patterns: _Patterns) -> tuple[Visible, list[Person], list[str]]:
    """Returns the entry with its parentheses blanked out, the people they name, and notes."""
    people: list[Person] = []
    notes: list[str] = []
    masked = list(text[start:end])
    for paren in _PAREN.finditer(text, start, end):
        inner_start, inner_end = paren.start(1), paren.end(1)
        inner = paren.group(1)
        masked[paren.start() - start : paren.end() - start] = " " * (paren.end() - paren.start())
        former = patterns.former.match(inner)
        if former:
            head = inner[former.end() :].split(",", 1)[0]
            tail = inner[former.end() + len(head) :].strip(" ,")
            names = _split(text, inner_start + former.end(), inner_start + former.end() + len(head),
                           patterns.people_separator, patterns)
            people.extend(Person(name, "former", tail or None) for name in names)
            continue
        names = _split(text, inner_start, inner_end, patterns.people_separator, patterns)
        if names and all(is_person_name(n.text) for n in names):
            bare = not patterns.leading_separator.match(inner.lstrip())
            people.extend(Person(n, "current", None, parenthesised=bare) for n in names)
        else:
            notes.append(inner.strip())
    before = max(0, start - 1)
    return (text[before:start] + "".join(masked), before), people, notes


_COMMA = re.compile(",")
_ROLES: dict[str, dict[str, str]] = {}


def role_words(profile: Profile) -> dict[str, str]:
    """Role words as written (case-folded) -> normalised role: the profile's ``contacts.roles``
    and the roles its contact sub-labels give ("Arbetsgrupp" -> "arbetsgruppsmedlem")."""
    if profile.sha256 not in _ROLES:
        _ROLES[profile.sha256] = {**{s.label.casefold(): s.role for s in profile.sub_labels if s.role},
                                  **_patterns(profile.contacts).roles}
    return _ROLES[profile.sha256]


def parse_entry(
    text: str, start: int, end: int, profile: Profile, resolver: Resolver, default_role: str | None = None
) -> list[ContactRow]:
    """Reads one contact entry ``text[start:end]`` into people rows; ``default_role`` is the role
    word of a sub-label that introduces the entry ("Arbetsgrupp")."""
    patterns = _patterns(profile.contacts)
    visible, later, notes = _parenthesised(text, start, end, patterns)
    segments = _split(text, start, end, _COMMA, patterns, visible)
    people: list[Person] = []
    index = 0
    while index < len(segments) and (len(segments) == 1 or index < len(segments) - 1):
        names = _people(text, segments[index], visible, patterns)
        if names is None or resolver.exact(segments[index].text):
            break
        people.extend(Person(n, "current") for n in names)
        index += 1
    roles = role_words(profile)
    role_raw = default_role
    organisation_item: Item | None = None
    for segment in segments[index:]:
        first, _, rest = segment.text.partition(" ")
        if segment.text.casefold() in roles:
            role_raw = segment.text
        elif first.casefold() in roles and rest and organisation_item is None:
            role_raw = first
            organisation_item = _item(text, segment.start + len(first) + 1, segment.end, patterns)
        elif organisation_item is None:
            organisation_item = segment
        else:
            notes.append(segment.text)
    if organisation_item is not None:
        note_start = patterns.note_start.search(organisation_item.text)
        if note_start:
            notes.insert(0, organisation_item.text[note_start.start() + 1 :])
            organisation_item = Item(organisation_item.text[: note_start.start()], organisation_item.start,
                                     organisation_item.start + note_start.start())
    role = roles.get(role_raw.casefold(), role_raw.casefold()) if role_raw else None
    note = "; ".join(notes) or None
    return [
        ContactRow(
            name=person.name,
            role=role,
            role_raw=role_raw,
            organisation_item=organisation_item,
            status=person.status,
            note="; ".join(n for n in (note, person.note) if n) or None,
            source_line=text[start:end],
            parenthesised=person.parenthesised,
        )
        for person in sorted(people + later, key=lambda p: p.name.start)
    ]


def parse_contacts(text: str, start: int, end: int, profile: Profile, resolver: Resolver,
                   section: str = "contact") -> list[ContactRow]:
    """Reads every line of the contact section ``text[start:end]``."""
    rules = profile.contacts
    patterns = _patterns(rules)
    labels = profile.labels
    rows: list[ContactRow] = []
    offset = start
    for line in text[start:end].split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        if not line.strip():
            continue
        default_role = None
        match = labels.sub_label.match(line)
        sub = labels.sub_labels.get(" ".join(match.group(1).split()).casefold()) if match else None
        if match and sub is not None and sub.section == section:
            default_role = match.group(1)
            line_start += match.end() + len(line[match.end():]) - len(line[match.end():].lstrip())
        if default_role:
            for entry in _split(text, line_start, line_end, _SENTENCE, patterns):
                rows.extend(parse_entry(text, entry.start, entry.end, profile, resolver, default_role))
        else:
            rows.extend(parse_entry(text, line_start, line_end, profile, resolver))
    return rows


def read_contacts(text: str, spans: list[SectionSpan], profile: Profile, resolver: Resolver,
                  identify: Callable[[str, Item], str], findings: Findings) -> list[Contact]:
    """The people of a region's contact sections; ``identify(section, item)`` records the
    organisation a line names and returns its id."""
    contacts: list[Contact] = []
    roles = role_words(profile)
    for span in spans:
        for row in parse_contacts(text, span.start, span.end, profile, resolver, span.section):
            organisation_id = None
            if row.organisation_item is not None:
                organisation_id = identify(span.section, row.organisation_item)
            if row.parenthesised:
                findings.add(Code.contact_status_unclear,
                             f"{row.name.text} is named in parentheses without 'fd' or 'tidigare'; kept as current",
                             row.source_line, row.name.start, row.name.end)
            if row.role_raw and row.role_raw.casefold() not in roles:
                findings.add(Code.unknown_role, f"role {row.role_raw!r} is not in the profile's contacts.roles",
                             row.role_raw, row.name.start, row.name.end)
            contacts.append(Contact(
                name=row.name.text, role=row.role, role_raw=row.role_raw, organisation_id=organisation_id,
                organisation_raw=row.organisation_item.text if row.organisation_item else None,
                status=row.status, note=row.note, source_line=row.source_line,
                start=row.name.start, end=row.name.end))
    return contacts
