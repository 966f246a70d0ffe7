"""Diff reports as text: the change records of ``diff.compare`` in Markdown for people, or in JSON
for programs (the schema is ``docs/diff-report.schema.json``).

The Markdown opens with a summary, one line per document and per region changed ("2 regions
changed: 1 count, 1 contact, 2 sections; 1 region added", then "- 01 Stockholms län: 1 count, 1
contact"), then the details, one bullet per change. Texts are shown as a word diff, removed words
~~struck~~ and added ones **bold**, with a few words of context around each change; bold marks
nothing else.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from pipeline.review import sequences
from pipeline.review.diff import Change, DiffReport

CONTEXT_WORDS = 6
"""Unchanged words shown on each side of a change in a text's word diff."""
SHORT_TEXT_WORDS = 4
"""A text of at most this many words is shown whole (old → new) rather than as a word diff."""

NOUNS = {
    "title": ("title", "titles"),
    "region_name": ("region name", "region names"),
    "summary": ("summary", "summaries"),
    "count": ("count", "counts"),
    "sections": ("section", "sections"),
    "contacts": ("contact", "contacts"),
    "goals": ("goal", "goals"),
    "purpose_items": ("purpose item", "purpose items"),
    "mentions": ("mention", "mentions"),
    "organisations": ("organisation", "organisations"),
    "quality": ("finding", "findings"),
    "counties": ("county", "counties"),
}
"""What one change of a field is called in the summary, in summary order; any other field is called
by its key and comes after these."""


def is_count(change: Change) -> bool:
    """A count metric's change: its value is an object with a ``basis``."""
    return any(isinstance(v, dict) and "basis" in v for v in (change.old, change.new)) and change.item is None


def category(change: Change) -> str:
    return "count" if is_count(change) else change.field


def _plural(n: int, name: str) -> str:
    one, many = NOUNS.get(name, (name, name))
    return f"{n} {one if n == 1 else many}"


def _tally(changes: list[Change], in_summary_order: bool = True) -> str:
    """"1 count, 2 sections, regions_found, 1 in focus_areas": how many changes of each kind, in
    summary order or else in file order. A field the summary has no noun for is named by its key."""
    order = list(NOUNS)
    categories = [category(c) for c in changes]
    if in_summary_order:
        categories.sort(key=lambda n: order.index(n) if n in order else len(order))
    lists = {category(c) for c in changes if c.item is not None}
    parts = []
    for name, n in Counter(categories).items():
        if name in NOUNS:
            parts.append(_plural(n, name))
        else:
            parts.append(f"{n} in {name}" if name in lists else name if n == 1 else f"{name} ({n})")
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# Word diffs


def _words(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def _word_key(word: str) -> str:
    """A word as it is matched: without the punctuation around it, so "företagsrådgivning," next to
    an added list item still matches "företagsrådgivning" and only the item reads as added."""
    return re.sub(r"^\W+|\W+$", "", word) or word


def word_opcodes(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[tuple]]:
    """The words of ``old`` and ``new`` (character spans) and difflib's opcodes between them. Words
    match without their punctuation; when that hides every difference (only punctuation changed),
    they match as written."""
    a, b = _words(old), _words(new)
    for key in (_word_key, lambda word: word):
        opcodes = sequences.opcodes([key(old[s:e]) for s, e in a], [key(new[s:e]) for s, e in b])
        if any(op != "equal" for op, *_ in opcodes):
            break
    return a, b, opcodes


def word_diff(old: str, new: str, context: int | None = None) -> str:
    """``old`` → ``new`` as words, removed ones ~~struck~~ and added ones **bold**; with ``context``,
    unchanged runs are cut to that many words on each side of a change ("…" marks a cut)."""
    a, b, opcodes = word_opcodes(old, new)
    parts = []
    for n, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            words = [new[s:e] for s, e in b[j1:j2]]
            first, last = n == 0, n == len(opcodes) - 1
            if context is not None and not (first and last):
                if first and len(words) > context:
                    words = ["…", *words[-context:]]
                elif last and len(words) > context:
                    words = [*words[:context], "…"]
                elif not first and not last and len(words) > 2 * context + 1:
                    words = [*words[:context], "…", *words[-context:]]
            parts.append(" ".join(words))
        if op in ("delete", "replace"):
            parts.append(f"~~{' '.join(old[s:e] for s, e in a[i1:i2])}~~")
        if op in ("insert", "replace"):
            parts.append(f"**{' '.join(new[s:e] for s, e in b[j1:j2])}**")
    return " ".join(p for p in parts if p)


def _value(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _values(old: Any, new: Any) -> str:
    """Two values of one field: a word diff for texts, ``old → new`` otherwise."""
    if isinstance(old, str) and isinstance(new, str) and max(len(old.split()), len(new.split())) > SHORT_TEXT_WORDS:
        return word_diff(old, new, CONTEXT_WORDS)
    return f"{_value(old)} → {_value(new)}"


def _quoted(text: Any, words: int = 24) -> str:
    if not isinstance(text, str):
        return _value(text)
    parts = text.split()
    return "“" + " ".join(parts[:words]) + (" …" if len(parts) > words else "") + "”"


# ---------------------------------------------------------------------------------------------
# One line per change


def _keys(change: Change, shown: frozenset[str] = frozenset()) -> str:
    """The keys of a changed object that differ, except ``shown``: "role: PL → projektledare; …"."""
    return "; ".join(f"{k}: {_values(change.old.get(k), change.new.get(k))}" for k in change.changed if k not in shown)


def _joined(head: str, rest: str) -> str:
    return f"{head}; {rest}" if rest else head


Describe = Callable[[dict, Change], str]


def _renderer(noun: str, describe: Describe, verbs: tuple[str, str] = ("added", "removed"),
              changed: Callable[[Change], str | None] = lambda change: None) -> Callable[[Change], str]:
    """Renders one kind of change: "- {noun} added: {describe(new)}", "- {noun} removed: …", and for a
    change ``changed(change)`` or else "- {noun} {item}: key: old → new; …"."""
    def render(change: Change) -> str:
        if change.kind == "added":
            return f"- {noun} {verbs[0]}: {describe(change.new, change)}"
        if change.kind == "removed":
            return f"- {noun} {verbs[1]}: {describe(change.old, change)}"
        return changed(change) or f"- {noun} {change.item}: {_keys(change)}"
    return render


def _count(change: Change) -> str:
    def value(count: dict | None) -> str:
        return "absent" if count is None else f"{_value(count.get('value'))} ({count.get('basis')})"

    if change.kind != "changed":
        return f"- `{change.field}` {change.kind}: {value(change.old)} → {value(change.new)}"
    shown = frozenset({"value", "basis"})
    if all(c.get("raw") == str(c.get("value")) for c in (change.old, change.new)):
        shown |= {"raw"}  # the line is just the number, already shown
    if {"value", "basis"} & set(change.changed):
        return _joined(f"- `{change.field}`: {value(change.old)} → {value(change.new)}", _keys(change, shown))
    return f"- `{change.field}`: {_keys(change, shown)}"


def _person(contact: dict, change: Change | None = None) -> str:
    parts = [contact.get("name"), contact.get("role") or contact.get("role_raw"),
             contact.get("organisation_raw") or contact.get("organisation_id")]
    former = " (former)" if contact.get("status") == "former" else ""
    return ", ".join(p for p in parts if p) + former


def _renamed(change: Change) -> str | None:
    if "name" not in change.changed:
        return None
    return _joined(f"- contact changed: {change.old['name']} → {_person(change.new)}",
                   _keys(change, frozenset({"name", "source_line"})))


def _section_name(section: dict) -> str:
    label = section.get("label")
    return f"{label} ({section['section']})" if label and label != section.get("section") else section["section"]


def _reworded(noun: str, name: Callable[[Change], str]) -> Callable[[Change], str | None]:
    """A changed text as a word diff, then any other key that changed."""
    def render(change: Change) -> str | None:
        if "text" not in change.changed:
            return None
        diff = word_diff(change.old.get("text") or "", change.new.get("text") or "", CONTEXT_WORDS)
        return _joined(f"- {noun} {name(change)}: {diff}", _keys(change, frozenset({"text"})))
    return render


def _mentioned(mention: dict, change: Change) -> str:
    return (f"“{mention.get('surface')}” → {mention.get('organisation_id')} "
            f"(in {mention.get('section')}, {mention.get('method')})")


def _found(finding: dict, change: Change) -> str:
    return f"{finding.get('severity')} `{finding.get('code')}` — “{finding.get('evidence')}”"


def _organisation(change: Change) -> str:
    verbs = ("gained", "lost") if change.region else ("added", "removed")  # a region's are derived
    return _renderer("organisation", lambda o, c: f"{c.item} ({o.get('name')})", verbs)(change)


def _county_name(change: Change) -> str:
    value = change.new or change.old
    return f"{change.item} {value.get('county_name')}" if isinstance(value, dict) else str(change.item)


def _region(region: dict, change: Change) -> str:
    counts = ", ".join(f"{k} {_value(v.get('value'))}" for k, v in region.items()
                       if isinstance(v, dict) and "basis" in v)
    sizes = ", ".join(_plural(len(region.get(k) or []), k) for k in ("contacts", "goals", "purpose_items"))
    return (f"{region.get('region_name')}: “{region.get('title')}”"
            + (f" ({counts}; {sizes})" if change.kind == "added" else ""))


def _generic(change: Change) -> str:
    """Any other field, as a value or an object: what a field added later is shown as."""
    value = change.new if change.kind == "added" else change.old
    said = change.item is None or change.item == value  # a list of strings: the item is the value
    name = change.field + ("" if said else f" {change.item}")
    if change.kind != "changed":
        return f"- {name} {change.kind}: {_quoted(value) if isinstance(value, str) else _value(value)}"
    if isinstance(change.old, dict) and isinstance(change.new, dict):
        return f"- {name}: {_keys(change)}"
    return f"- {name}: {_values(change.old, change.new)}"


RENDERERS: dict[str, Callable[[Change], str]] = {
    "sections": _renderer("section", lambda s, c: f"{_section_name(s)}: {_quoted(s.get('text'))}",
                          changed=_reworded("section", lambda c: _section_name(c.new))),
    "contacts": _renderer("contact", _person, changed=_renamed),
    "goals": _renderer("goal", lambda g, c: f"{c.item} {_quoted(g.get('text'))}",
                       changed=_reworded("goal", lambda c: f"{c.item} reworded")),
    "purpose_items": _renderer("purpose item", lambda p, c: f"{c.item} {_quoted(p.get('text'))}",
                               changed=_reworded("purpose item", lambda c: f"{c.item} reworded")),
    "mentions": _renderer("mention", _mentioned,
                          changed=lambda c: f"- mention “{c.new.get('surface')}” (in {c.new.get('section')}): "
                                            f"{_keys(c)}"),
    "quality": _renderer("finding", _found, ("new", "resolved"),
                         changed=lambda c: f"- finding {_found(c.new, c)}: {_keys(c)}"),
    "organisations": _organisation,
    "counties": _renderer("county", lambda county, c: _county_name(c),
                          changed=lambda c: f"- county {_county_name(c)}: {_keys(c)}"),
    "region": _renderer("region", _region),
    "document": _renderer("document", lambda d, c: f"“{d.get('title')}” ({d.get('regions_found')} regions)"),
}
"""How a change of each list field, or a region or document added or removed, reads."""


def line(change: Change) -> str:
    """One Markdown bullet for one change."""
    if is_count(change):
        return _count(change)
    return RENDERERS.get(change.field, _generic)(change)


# ---------------------------------------------------------------------------------------------
# One change, one line: the records a single edit makes, folded into the line that says it


def _net_words(old: str, new: str) -> tuple[Counter[str], Counter[str]]:
    """The words ``new`` gained and lost against ``old``, without their punctuation; a word that
    only moved is neither."""
    a = Counter(_word_key(w) for w in old.split())
    b = Counter(_word_key(w) for w in new.split())
    return b - a, a - b


def _words_of(*texts: Any) -> Counter[str]:
    return Counter(_word_key(w) for t in texts if isinstance(t, str) for w in t.split())


def folded(changes: list[Change]) -> list[tuple[Change, list[Change]]]:
    """The changes as a person reads them, each with the records it explains: a mention added or
    removed takes the finding about its surface and the organisation it brings or takes away (in the
    region and in the document); a section whose words changed only by what a contact, goal,
    purpose item or mention change says is taken by that change. Nothing is dropped: every record is a line or part of one
    (the JSON report keeps every record)."""
    taken: dict[int, list[Change]] = {}
    absorbed: set[int] = set()
    by_region: dict[tuple[str, str | None], list[Change]] = {}
    for change in changes:
        by_region.setdefault((change.document_id, change.region), []).append(change)
    for (document_id, region), here in by_region.items():
        if region is None:
            continue
        mentions = [c for c in here if c.field == "mentions" and c.kind in ("added", "removed")]
        for mention in mentions:
            value = mention.new if mention.kind == "added" else mention.old
            surface, organisation = value.get("surface"), value.get("organisation_id")
            finding_kind = mention.kind
            for other in [*here, *by_region.get((document_id, None), [])]:
                if id(other) in absorbed or other is mention:
                    continue
                finding = other.new if other.kind == "added" else other.old
                if other.field == "quality" and other.kind == finding_kind and isinstance(finding, dict) \
                        and finding.get("evidence") == surface:
                    taken.setdefault(id(mention), []).append(other)
                    absorbed.add(id(other))
                elif other.field == "organisations" and other.kind == mention.kind and other.item == organisation:
                    taken.setdefault(id(mention), []).append(other)
                    absorbed.add(id(other))
        people = [c for c in here if c.field in ("contacts", "goals", "purpose_items")]
        for section in [c for c in here if c.field == "sections" and c.kind == "changed" and "text" in c.changed]:
            gained, lost = _net_words(section.old.get("text") or "", section.new.get("text") or "")
            for owner in [*people, *mentions]:
                said = _words_of(*(v.get(k) for v in (owner.old or {}, owner.new or {})
                                   for k in ("name", "role_raw", "organisation_raw", "surface", "label", "text")))
                if gained | lost and not (gained - said) and not (lost - said):
                    taken.setdefault(id(owner), []).append(section)
                    absorbed.add(id(section))
                    break
    return [(c, taken.get(id(c), [])) for c in changes if id(c) not in absorbed]


def with_taken(change: Change, taken: list[Change]) -> str:
    """The line of ``change`` with what it explains: the findings and organisations it brought."""
    notes = []
    for other in taken:
        if other.field == "quality":
            finding = other.new if other.kind == "added" else other.old
            notes.append(f"finding {'new' if other.kind == 'added' else 'resolved'}: {finding.get('severity')} "
                         f"`{finding.get('code')}`")
        elif other.field == "organisations":
            where = "the document" if other.region is None else "the region"
            notes.append(f"organisation {'new to' if other.kind == 'added' else 'gone from'} {where}")
        elif other.field == "sections":
            notes.append(f"section {_section_name(other.new)}")
    return line(change) + (f" ({'; '.join(notes)})" if notes else "")


# ---------------------------------------------------------------------------------------------
# Reports


def _region_heading(change: Change) -> str:
    return f"{change.region} {change.county_name}" if change.county_name else str(change.region)


def summary_lines(changes: list[Change]) -> list[str]:
    """The summary: per document one line of totals, then one line per region changed; a record
    another change explains (``folded``) is not counted again."""
    changes = [change for change, _ in folded(changes)]
    out = []
    for document_id in dict.fromkeys(c.document_id for c in changes):
        mine = [c for c in changes if c.document_id == document_id]
        document = [c for c in mine if c.region is None]
        regions = list(dict.fromkeys(c.region for c in mine if c.region is not None))
        whole = {c.region: c.kind for c in mine if c.field == "region"}
        edited = [r for r in regions if r not in whole]
        totals = []
        if edited:
            totals.append(f"{len(edited)} region{'s' if len(edited) != 1 else ''} changed: "
                          + _tally([c for c in mine if c.region in edited]))
        for kind in ("added", "removed"):
            n = sum(1 for k in whole.values() if k == kind)
            if n:
                totals.append(f"{n} region{'s' if n != 1 else ''} {kind}")
        if document and document[0].field == "document":
            totals.append(f"document {document[0].kind}")
        elif not totals:
            totals.append("document.json changed")
        out.append(f"`{document_id}`: " + "; ".join(totals))
        if document and document[0].field != "document":
            out.append(f"- document.json: {_tally(document, in_summary_order=False)}")
        for region in regions:
            changes_here = [c for c in mine if c.region == region]
            label = _region_heading(changes_here[0])
            out.append(f"- {label}: {whole[region]}" if region in whole else f"- {label}: {_tally(changes_here)}")
        out.append("")
    return out


def markdown(report: DiffReport) -> str:
    """The report for people: a summary, then every change under its document and region."""
    out = ["# Extraction changes", "", f"- old: `{report.old}`", f"- new: `{report.new}`", ""]
    if not report.changes:
        return "\n".join([*out, "No changes.", ""])
    out += ["## Summary", "", *summary_lines(report.changes)]
    for document_id in dict.fromkeys(c.document_id for c in report.changes):
        out += [f"## {document_id}", ""]
        mine = [c for c in report.changes if c.document_id == document_id]
        lines = folded(mine)
        for region in dict.fromkeys(c.region for c, _ in lines):
            here = [(c, taken) for c, taken in lines if c.region == region]
            out += [f"### {'document.json' if region is None else _region_heading(here[0][0])}", ""]
            out += [with_taken(c, taken) for c, taken in here] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def as_json(report: DiffReport) -> str:
    """The report for programs: ``DiffReport`` as JSON, UTF-8 as is, two-space indent."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
