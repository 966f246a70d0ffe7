"""A contact section becomes one row per person, with role, organisation and status.

A line is "<people>, <role>, <organisation>" in any order after the people: "Johan Nilsson, PL
regionen", "Jessica Ottosson, Coompanion, PL". People are split on "och" and "&". Parentheses
hold former holders ("(fd Greta Isaksson)", "(tidigare Alexander Kinigalakis, slutat)"),
extra people ("(och Nina Englund)") or notes ("(fokus ESBR)"). Sörmland's "Arbetsgrupp:" line
lists several people with their organisations, separated by full stops.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline import reference
from pipeline.lists import Item
from pipeline.organisations import Resolution, Resolver
from pipeline.reference import County

_NAME_WORD = r"[A-ZÅÄÖÉÜØ][a-zåäöéüøèáíóú'’]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéüøèáíóú'’]+)?"
_PERSON = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD}){{1,3}}")
_FORMER = re.compile(r"^(?:fd|f\.d\.|före detta|tidigare)\s+", re.IGNORECASE)
_PEOPLE_SEPARATOR = re.compile(r"\s+(?:och|&)\s+|^(?:och|&)\s+")
_PAREN = re.compile(r"\(([^()]*)\)")
_SENTENCE = re.compile(r"\.\s+(?=[A-ZÅÄÖ])")


@dataclass(frozen=True)
class Person:
    name: Item
    status: str
    note: str | None = None
    parenthesised: bool = False


@dataclass(frozen=True)
class ContactRow:
    """One person of a contact line, with what the line says about them."""

    name: Item
    role: str | None
    role_raw: str | None
    organisation: Resolution | None
    organisation_item: Item | None
    status: str
    note: str | None
    source_line: str
    parenthesised: bool


def is_person_name(text: str) -> bool:
    """True for two to four capitalised words ("Marie-Louise Lövgren", "Elizabeth George Chandy")."""
    return _PERSON.fullmatch(text) is not None


def _item(text: str, start: int, end: int, visible: str | None = None) -> Item | None:
    """The trimmed item ``text[start:end]``; trimming reads ``visible`` (parentheses masked) when given."""
    shown = text if visible is None else visible
    while start < end and shown[start] in " ,.":
        start += 1
    while end > start and shown[end - 1] in " ,.":
        end -= 1
    lead = re.match(r"(?:och|&)\s+", shown[start:end])
    if lead:
        start += lead.end()
    return Item(text[start:end], start, end) if end > start else None


def _split(text: str, start: int, end: int, pattern: re.Pattern[str], visible: str | None = None) -> list[Item]:
    shown = text if visible is None else visible
    items, last = [], start
    for match in pattern.finditer(shown, start, end):
        items.append(_item(text, last, match.start(), visible))
        last = match.end()
    items.append(_item(text, last, end, visible))
    return [item for item in items if item is not None]


def _people(text: str, segment: Item, visible: str) -> list[Item] | None:
    names = _split(text, segment.start, segment.end, _PEOPLE_SEPARATOR, visible)
    return names if names and all(is_person_name(n.text) for n in names) else None


def _parenthesised(text: str, start: int, end: int) -> tuple[str, list[Person], list[str]]:
    """Returns ``text`` with the entry's parentheses blanked out, the people they name, and notes."""
    people: list[Person] = []
    notes: list[str] = []
    masked = list(text[start:end])
    for paren in _PAREN.finditer(text, start, end):
        inner_start, inner_end = paren.start(1), paren.end(1)
        inner = paren.group(1)
        masked[paren.start() - start : paren.end() - start] = " " * (paren.end() - paren.start())
        former = _FORMER.match(inner)
        if former:
            head = inner[former.end() :].split(",", 1)[0]
            tail = inner[former.end() + len(head) :].strip(" ,")
            names = _split(text, inner_start + former.end(), inner_start + former.end() + len(head), _PEOPLE_SEPARATOR)
            people.extend(Person(name, "former", tail or None) for name in names)
            continue
        names = _split(text, inner_start, inner_end, _PEOPLE_SEPARATOR)
        if names and all(is_person_name(n.text) for n in names):
            bare = not re.match(r"\s*(?:och|&)\s", inner)
            people.extend(Person(n, "current", None, parenthesised=bare) for n in names)
        else:
            notes.append(inner.strip())
    return text[:start] + "".join(masked) + text[end:], people, notes


def parse_entry(
    text: str, start: int, end: int, county: County, resolver: Resolver, default_role: str | None = None
) -> list[ContactRow]:
    """Reads one contact entry ``text[start:end]`` into people rows."""
    visible, later, notes = _parenthesised(text, start, end)
    segments = _split(text, start, end, re.compile(","), visible)
    people: list[Person] = []
    index = 0
    while index < len(segments) and (len(segments) == 1 or index < len(segments) - 1):
        names = _people(text, segments[index], visible)
        if names is None or resolver.exact(segments[index].text):
            break
        people.extend(Person(n, "current") for n in names)
        index += 1
    roles = reference.roles()
    role_raw = default_role
    organisation_item: Item | None = None
    for segment in segments[index:]:
        first, _, rest = segment.text.partition(" ")
        if segment.text.casefold() in roles:
            role_raw = segment.text
        elif first.casefold() in roles and rest and organisation_item is None:
            role_raw = first
            organisation_item = _item(text, segment.start + len(first) + 1, segment.end)
        elif organisation_item is None:
            organisation_item = segment
        else:
            notes.append(segment.text)
    organisation = None
    if organisation_item is not None:
        head, _, tail = organisation_item.text.partition(" ")
        if head.casefold() == "regionen" and tail:
            notes.insert(0, tail)
            organisation_item = Item(head, organisation_item.start, organisation_item.start + len(head))
        organisation = resolver.resolve(organisation_item.text, county)
    role = roles.get(role_raw.casefold(), role_raw.casefold()) if role_raw else None
    note = "; ".join(notes) or None
    return [
        ContactRow(
            name=person.name,
            role=role,
            role_raw=role_raw,
            organisation=organisation,
            organisation_item=organisation_item,
            status=person.status,
            note="; ".join(n for n in (note, person.note) if n) or None,
            source_line=text[start:end],
            parenthesised=person.parenthesised,
        )
        for person in sorted(people + later, key=lambda p: p.name.start)
    ]


def parse_contacts(text: str, start: int, end: int, county: County, resolver: Resolver) -> list[ContactRow]:
    """Reads every line of the contact section ``text[start:end]``."""
    rows: list[ContactRow] = []
    offset = start
    for line in text[start:end].split("\n"):
        line_start, line_end = offset, offset + len(line)
        offset = line_end + 1
        if not line.strip():
            continue
        default_role = None
        for sub in reference.sub_labels():
            match = sub.at_line_start.match(line)
            if match and sub.section == "contact":
                default_role = match.group(1)
                line_start += match.end() + len(line[match.end():]) - len(line[match.end():].lstrip())
                break
        if default_role:
            for entry in _split(text, line_start, line_end, _SENTENCE):
                rows.extend(parse_entry(text, entry.start, entry.end, county, resolver, default_role))
        else:
            rows.extend(parse_entry(text, line_start, line_end, county, resolver))
    return rows
