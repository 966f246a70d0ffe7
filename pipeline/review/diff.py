"""The diff stage: two extractions become a list of changes, one record per value added, removed or
changed (``Change``); ``diff_text`` renders them as Markdown or JSON, ``diff_page`` as a web page.

Either side is an output folder (``output`` or ``output/json``) or a git revision whose
``output/json`` is read from the repository. The comparison walks the JSON itself, so a field a
later model adds (a count's ``qualifier``, a contact's ``email``) is compared without a change here:

- a scalar (``title``, ``summary``, ``regions_claimed``) is compared as a value;
- an object (a count) is one change listing its keys that differ (``value``, ``basis``, ``raw`` …);
- a list is matched element by element on a stable key (``LIST_KEYS``): sections by section id,
  contacts by name, mentions by section and surface, findings by code and evidence, organisations
  and counties by id; a list of other objects (goals, purpose items) is aligned on its texts, so an
  inserted goal is one goal added and a reworded one is one goal changed; a list of strings
  (``focus_areas``) is compared as a multiset.

Positions are not values (``POSITIONAL``): a region that moved, or a goal pushed down the list by a
new one, is not a change; nor is a line number in a finding message. A contact whose name changed
while its role and organisation did not is one contact changed, not one removed and one added. A
text said twice is reported once: a section whose text is also a field of its own (the summary, a
count line's ``raw``) under that field, a contact's ``source_line`` under its section. A region's
``organisations`` change is derived: the organisations its mentions and contacts name.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pipeline.review import sequences
from pipeline.errors import PipelineError


class DiffError(PipelineError):
    """A side of the diff that cannot be read."""


@dataclass
class Snapshot:
    """One extraction: per document, its document.json and its regions keyed by county code."""

    label: str
    documents: dict[str, dict] = field(default_factory=dict)
    regions: dict[str, dict[str, dict]] = field(default_factory=dict)


_TEXT = (str, type(None))
_FINDING = {"severity": str, "code": str, "evidence": _TEXT}
_DOCUMENT_SHAPE = {"title": _TEXT, "organisations": [{"organisation_id": str, "name": str}], "quality": [_FINDING]}
_REGION_SHAPE = {
    "county_code": _TEXT, "county_name": _TEXT, "region_name": str, "title": str,
    "contacts": [{"name": str, "role": _TEXT, "organisation_id": _TEXT, "status": str}],
    "goals": [{"label": _TEXT, "ordinal": int, "text": str}],
    "mentions": [{"organisation_id": str}],
    "quality": [_FINDING],
}
_COUNT_SHAPE = {"value": (int, float, type(None)), "basis": str, "raw": _TEXT}


def _shape_problem(value: object, shape: Any, where: str) -> str | None:
    """Where ``value`` does not have ``shape`` (a type, a tuple of types, a list of one shape or
    a dict of required keys), or None when it does."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return f"{where or 'the file'} is not an object"
        for key, inner in shape.items():
            if key not in value:
                return f"{where + '.' if where else ''}{key} is missing"
            problem = _shape_problem(value[key], inner, f"{where + '.' if where else ''}{key}")
            if problem:
                return problem
        return None
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{where} is not a list"
        return next((p for i, item in enumerate(value) if (p := _shape_problem(item, shape[0], f"{where}[{i}]"))),
                    None)
    if not isinstance(value, shape) or (isinstance(value, bool) and shape is int):
        return f"{where} has the wrong type"
    return None


def _check(data: object, name: str) -> str | None:
    if name == "document.json":
        return _shape_problem(data, _DOCUMENT_SHAPE, "")
    problem = _shape_problem(data, _REGION_SHAPE, "")
    if problem or not isinstance(data, dict):
        return problem
    for key in (k for k, v in data.items() if isinstance(v, dict) and "basis" in v):  # the count metrics
        problem = _shape_problem(data[key], _COUNT_SHAPE, key)
        if problem:
            return problem
    return None


def _add(snapshot: Snapshot, document_id: str, name: str, content: str | dict) -> None:
    try:
        data = json.loads(content) if isinstance(content, str) else content
    except ValueError as exc:
        raise DiffError(f"{snapshot.label}: {document_id}/{name} is not valid JSON ({exc})") from exc
    problem = _check(data, name)
    if problem:
        raise DiffError(f"{snapshot.label}: {document_id}/{name} is not an extraction this version can compare "
                        f"({problem}); extract it again with this version")
    if name == "document.json":
        snapshot.documents[document_id] = data
    else:
        regions = snapshot.regions.setdefault(document_id, {})
        key = data.get("unit_id") or data["county_code"]  # files before units had no unit_id: their county
        seen = Counter(k.split("#")[0] for k in regions)
        regions[key if not seen[key] else f"{key}#{seen[key] + 1}"] = data


def document_snapshot(label: str, document_id: str, files: dict[str, dict]) -> Snapshot:
    """A snapshot of one document from its files' content (``document.json`` and its region files),
    as a run is about to write them."""
    snapshot = Snapshot(label)
    for name, content in files.items():
        _add(snapshot, document_id, name, content)
    return snapshot


def only(snapshot: Snapshot, document_id: str) -> Snapshot:
    """The part of ``snapshot`` about one document (empty when it has none)."""
    kept = Snapshot(snapshot.label)
    if document_id in snapshot.documents:
        kept.documents[document_id] = snapshot.documents[document_id]
        kept.regions[document_id] = snapshot.regions.get(document_id, {})
    return kept


def load_folder(path: Path) -> Snapshot:
    root = path / "json" if (path / "json").is_dir() else path
    snapshot = Snapshot(str(path))
    for file in sorted(root.glob("*/*.json")):
        try:
            content = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DiffError(f"{file}: cannot be read ({getattr(exc, 'strerror', None) or exc})") from exc
        _add(snapshot, file.parent.name, file.name, content)
    if not snapshot.documents:
        raise DiffError(f"{path}: no extraction found (expected <document_id>/document.json files)")
    return snapshot


def _git(*args: str, cwd: Path) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DiffError(f"git {' '.join(args)}: {exc}") from exc
    if result.returncode != 0:
        reason = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"
        raise DiffError(f"git {' '.join(args)}: {reason}")
    return result.stdout


def load_revision(revision: str, repository: Path, folder: str = "output/json") -> Snapshot:
    _git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", cwd=repository)
    snapshot = Snapshot(f"{revision}:{folder}")
    names = _git("ls-tree", "-r", "--name-only", revision, "--", folder, cwd=repository).split("\n")
    for name in sorted(filter(None, names)):
        parts = Path(name).relative_to(folder).parts
        if len(parts) == 2 and parts[1].endswith(".json"):
            _add(snapshot, parts[0], parts[1], _git("show", f"{revision}:{name}", cwd=repository))
    if not snapshot.documents:
        raise DiffError(f"{revision}: no extraction in {folder}")
    return snapshot


def load(side: str, repository: Path) -> Snapshot:
    """An output folder if ``side`` is one, else a git revision."""
    path = Path(side)
    if path.is_dir():
        return load_folder(path)
    revision, colon, folder = side.partition(":")
    if colon and folder:  # "HEAD:output/families/beviljade-projekt": another family's dataset at a revision
        folder = folder.rstrip("/")
        return load_revision(revision, repository, folder if folder.endswith("/json") else f"{folder}/json")
    try:
        return load_revision(side, repository)
    except DiffError as exc:
        raise DiffError(f"{side}: neither an output folder nor a git revision with output/json ({exc})") from exc


# ---------------------------------------------------------------------------------------------
# The change records


Kind = Literal["added", "removed", "changed"]


class Change(BaseModel):
    """One change between two extractions: a value added, removed or changed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document_id: str = Field(description="the document: its folder under output/json (the new side's when the "
                                         "same report was saved under another file name; the rename is a change "
                                         "of field 'document_id')")
    region: str | None = Field(description="the region's county code ('01'; '12#2' for a region the document "
                                           "repeats); null for a change to document.json")
    county_name: str | None = Field(description="the region's county name, for people; null for document.json")
    field: str = Field(description=(
        "the key of the region file or document.json whose value changed: 'title', 'summary', a count metric "
        "('known_social_enterprises'), 'sections', 'contacts', 'goals', 'purpose_items', 'mentions', 'quality' "
        "(findings), 'regions_claimed', 'focus_areas', 'counties', 'organisations' (for a region: derived, the "
        "organisations its mentions and contacts name) or any key a later model adds; 'region' for a region "
        "added or removed, 'document' for a document added or removed"))
    item: str | None = Field(description=(
        "which element of a list changed: the section id ('other: <label>' for a sub-heading), the contact's "
        "name (the old one when it was renamed), the goal's or purpose item's label ('#3' when it has none), "
        "'<section>: <surface>' for a mention, '<code>: <evidence>' for a finding, the organisation id, the "
        "county code, or the string itself in a list of strings; ' #2' is appended to a key that repeats. "
        "Null for a field that is not a list"))
    kind: Kind = Field(description="added: only the new side has it; removed: only the old side; changed: both, "
                                   "with different values")
    changed: list[str] = Field(description="for an object that changed: its keys whose values differ, in file "
                                           "order (e.g. ['value', 'raw'] for a count, ['name', 'source_line'] "
                                           "for a renamed contact); empty otherwise")
    old: Any = Field(description="the old value, without positions (start, end, heading_start, heading_end, "
                                 "ordinal); null when added")
    new: Any = Field(description="the new value, without positions; null when removed")


class DiffReport(BaseModel):
    """The result of ``pipeline diff --format json``: every change between two extractions, one record
    each, document-level changes first, then regions in county-code order."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="pipeline diff report")

    format: Literal["pipeline-diff"] = Field(description="identifies the report", default="pipeline-diff")
    version: Literal[1] = Field(description="schema version; it changes whenever the report's or a record's fields do",
                                default=1)
    old: str = Field(description="the old side as given: an output folder or '<revision>:output/json'")
    new: str = Field(description="the new side as given")
    changed: bool = Field(description="whether anything changed (the exit status is 1 when it did, 0 when not)")
    changes: list[Change] = Field(description="one record per change")


def report_schema() -> dict:
    """The JSON Schema of ``pipeline diff --format json`` (``docs/diff-report.schema.json``)."""
    return DiffReport.model_json_schema()


# ---------------------------------------------------------------------------------------------
# The comparison

POSITIONAL = frozenset({"start", "end", "heading_start", "heading_end", "ordinal"})
"""Keys that say where a value sits, not what it is; they never make a change."""
REGION_IDENTITY = frozenset({"document_id", "unit_id", "county_code", "county_name"})
"""The keys a region is matched on."""
DOCUMENT_DERIVED = frozenset({"document_id", "region_files"})
"""document.json keys that are the document's identity or follow from its regions (reported as
regions added and removed)."""
PAIR_SIMILARITY = 0.5
"""Two list items that take each other's place and whose texts share at least this share of words
(difflib ratio) are one item changed; below it, one removed and one added. A goal of the seed with
one word changed stays above it (0.75 for a four-word goal, more for longer ones); of the 227 pairs
of different goals or purpose items in one region, one scores above it (Östergötland's goals 5 and
6 share a clause: 0.75), the next 0.45."""


def plain(value: Any) -> Any:
    """``value`` without its positions."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if k not in POSITIONAL}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _differing(old: dict, new: dict, ignore: frozenset[str] = frozenset()) -> list[str]:
    """The keys of two objects whose values differ; a key one side lacks counts as null there, so a
    field a later model adds is a change only where it holds a value."""
    return [key for key in dict.fromkeys([*old, *new]) if key not in POSITIONAL and key not in ignore
            and plain(old.get(key)) != plain(new.get(key))]


@dataclass
class _Scope:
    """Where changes are being recorded: a document, and a region of it or document.json."""

    document_id: str
    region: str | None
    county_name: str | None
    changes: list[Change]

    def add(self, field_name: str, kind: Kind, old: Any = None, new: Any = None, item: str | None = None,
            changed: list[str] | None = None) -> None:
        self.changes.append(Change(document_id=self.document_id, region=self.region, county_name=self.county_name,
                                   field=field_name, item=item, kind=kind, changed=changed or [], old=plain(old),
                                   new=plain(new)))


def keyed_items(items: list[dict], key: Callable[[dict], str]) -> dict[str, dict]:
    seen: Counter[str] = Counter()
    out = {}
    for item in items:
        k = key(item)
        seen[k] += 1
        out[k if seen[k] == 1 else f"{k} #{seen[k]}"] = item
    return out


def _compare_keyed(scope: _Scope, name: str, a: dict[str, dict], b: dict[str, dict],
                   ignore: frozenset[str] = frozenset(), normalise: Callable[[dict], dict] = lambda x: x,
                   skip: Callable[[str], bool] = lambda key: False) -> None:
    for key in dict.fromkeys([*b, *a]):
        if skip(key):
            continue
        if key not in a:
            scope.add(name, "added", new=b[key], item=key)
        elif key not in b:
            scope.add(name, "removed", old=a[key], item=key)
        elif changed := _differing(normalise(a[key]), normalise(b[key]), ignore):
            scope.add(name, "changed", a[key], b[key], item=key, changed=changed)


def keyed(key: Callable[[dict], str], normalise: Callable[[dict], dict] = lambda x: x
          ) -> Callable[[_Scope, str, list, list, dict, dict], None]:
    """A list whose elements are matched on ``key``; their order is not a change."""
    def compare(scope: _Scope, name: str, old: list, new: list, old_parent: dict, new_parent: dict) -> None:
        _compare_keyed(scope, name, keyed_items(old, key), keyed_items(new, key), normalise=normalise)
    return compare


def _words(text: str) -> list[str]:
    return text.split()


def _signature(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("text"), str):
        return item["text"]
    return json.dumps(plain(item), ensure_ascii=False, sort_keys=True)


def similarity(a: str, b: str) -> float:
    return sequences.ratio(_words(a), _words(b))


MAX_PAIRED = 10_000
"""Removed × added items of one stretch beyond which they are not compared each with each (a
hostile list of thousands of goals): they are reported removed and added."""


def _item_name(item: dict, position: int) -> str:
    return item.get("label") or f"#{item.get('ordinal', position + 1)}"


def _aligned(scope: _Scope, name: str, old: list, new: list, old_parent: dict, new_parent: dict) -> None:
    """A list of objects whose order is its meaning (goals, purpose items): aligned on the items' texts
    (or whole values), so an item inserted is one added; items that moved are not changed, and a
    label that changed with the item's position (a goal renumbered below an inserted one) is not
    a change."""
    a, b = [_signature(x) for x in old], [_signature(x) for x in new]
    pairs: list[tuple[int, int]] = []
    removed: list[int] = []
    added: list[int] = []
    for op, i1, i2, j1, j2 in sequences.opcodes(a, b):
        if op == "equal":
            pairs += zip(range(i1, i2), range(j1, j2))
            continue
        free = list(range(j1, j2))
        if (i2 - i1) * (j2 - j1) > MAX_PAIRED:  # too many to compare each with each: removed and added
            removed += range(i1, i2)
            added += free
            continue
        for i in range(i1, i2):
            best = max(free, key=lambda j: similarity(a[i], b[j]), default=None)
            if best is not None and similarity(a[i], b[best]) >= PAIR_SIMILARITY:
                pairs.append((i, best))
                free.remove(best)
            else:
                removed.append(i)
        added += free
    for i in list(removed):  # moved, not changed
        j = next((j for j in added if b[j] == a[i]), None)
        if j is not None:
            removed.remove(i)
            added.remove(j)
            pairs.append((i, j))
    records: list[tuple[tuple[int, int], dict]] = []  # in the new list's order, removed ones last
    for i, j in pairs:
        renumbered = old[i].get("ordinal") != new[j].get("ordinal")  # its label follows its position then
        if changed := _differing(old[i], new[j], frozenset({"label"}) if renumbered else frozenset()):
            records.append(((j, 1), {"kind": "changed", "old": old[i], "new": new[j], "item": _item_name(new[j], j),
                                     "changed": changed}))
    records += [((j, 0), {"kind": "added", "new": new[j], "item": _item_name(new[j], j)}) for j in added]
    records += [((len(new) + i, 2), {"kind": "removed", "old": old[i], "item": _item_name(old[i], i)})
                for i in removed]
    for _, record in sorted(records, key=lambda r: r[0]):
        scope.add(name, **record)


def _strings(scope: _Scope, name: str, old: list, new: list, old_parent: dict, new_parent: dict) -> None:
    """A list of plain values: compared as a multiset."""
    before, after = Counter(map(_signature_value, old)), Counter(map(_signature_value, new))
    for value in (after - before).elements():
        scope.add(name, "added", new=json.loads(value), item=_display(json.loads(value)))
    for value in (before - after).elements():
        scope.add(name, "removed", old=json.loads(value), item=_display(json.loads(value)))


def _signature_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _display(value: Any) -> str:
    return value if isinstance(value, str) else _signature_value(value)


def _any_list(scope: _Scope, name: str, old: list, new: list, old_parent: dict, new_parent: dict) -> None:
    if all(isinstance(x, dict) for x in [*old, *new]):
        _aligned(scope, name, old, new, old_parent, new_parent)
    else:
        _strings(scope, name, old, new, old_parent, new_parent)


def section_key(section: dict) -> str:
    return section["section"] if section["section"] != "other" else f"other: {section.get('label')}"


def _said_elsewhere(section: dict | None, region: dict) -> bool:
    """Whether a section's text is also a field of its own (the summary; a count line's ``raw``)."""
    if section is None:
        return True
    own = region.get(section.get("section"))
    if isinstance(own, dict):
        own = own.get("raw")
    return isinstance(own, str) and own == section.get("text")


def _sections(scope: _Scope, name: str, old: list, new: list, old_parent: dict, new_parent: dict) -> None:
    a, b = keyed_items(old, section_key), keyed_items(new, section_key)
    _compare_keyed(scope, name, a, b, skip=lambda key: _said_elsewhere(a.get(key), old_parent)
                   and _said_elsewhere(b.get(key), new_parent))


CONTACT_LINE = "source_line"
"""A contact's whole line as written. The contact section's text shows it, so when it is all that
changed (another person on the same line was renamed), that is the section's change, not this
contact's."""


def _role_and_organisation(contact: dict) -> tuple:
    return contact.get("role"), contact.get("organisation_id")


def _contacts(scope: _Scope, name: str, old: list, new: list, old_parent: dict, new_parent: dict) -> None:
    """Contacts by name; a name that went while one with the same role and organisation came is a rename."""
    a, b = keyed_items(old, lambda c: c["name"]), keyed_items(new, lambda c: c["name"])
    gone, came = [k for k in a if k not in b], [k for k in b if k not in a]
    renamed: dict[str, str] = {}
    for key in gone:
        match = next((k for k in came if k not in renamed.values() and _role_and_organisation(b[k])
                      == _role_and_organisation(a[key])), None)
        if match is not None:
            renamed[key] = match
    for key in dict.fromkeys([*b, *a]):
        if key in renamed.values():
            continue
        if key in renamed:
            scope.add(name, "changed", a[key], b[renamed[key]], item=key, changed=_differing(a[key], b[renamed[key]]))
        elif key not in a:
            scope.add(name, "added", new=b[key], item=key)
        elif key not in b:
            scope.add(name, "removed", old=a[key], item=key)
        elif (changed := _differing(a[key], b[key])) and changed != [CONTACT_LINE]:
            scope.add(name, "changed", a[key], b[key], item=key, changed=changed)


LINE_NUMBER = re.compile(r"\b(?:region )?line \d+\b")
"""A line number in a finding message ("line 412: …", "region line 12: …", "source line 486: …"): a
position, so a line added above the finding, or a region file written region-local, does not change it."""


def _without_line(finding: dict) -> dict:
    """A finding with the line numbers its message names left out, and without its ``unit_id``
    (the unit it is listed under already says it; 0.1.0 findings have none)."""
    finding = {k: v for k, v in finding.items() if k != "unit_id"}
    message = finding.get("message")
    return finding | {"message": LINE_NUMBER.sub("line …", message)} if isinstance(message, str) else finding


LIST_KEYS: dict[str, Callable[[_Scope, str, list, list, dict, dict], None]] = {
    "sections": _sections,
    "contacts": _contacts,
    "mentions": keyed(lambda m: f"{m['section']}: {m['surface']}"),
    "quality": keyed(lambda f: f"{f['code']}: {f['evidence']}", normalise=_without_line),
    "organisations": keyed(lambda o: o["organisation_id"]),
    "counties": keyed(lambda c: c["county_code"]),
}
"""How the elements of each list field are matched; any other list is aligned (``_any_list``)."""


def _compare_fields(scope: _Scope, old: dict, new: dict, skip: frozenset[str]) -> None:
    for key in dict.fromkeys([*old, *new]):
        if key in skip or key in POSITIONAL:
            continue
        a, b = old.get(key), new.get(key)
        if isinstance(a, list) or isinstance(b, list):
            LIST_KEYS.get(key, _any_list)(scope, key, a or [], b or [], old, new)
        elif isinstance(a, dict) or isinstance(b, dict):
            if changed := _differing(a or {}, b or {}):
                kind: Kind = "changed" if a and b else ("added" if b else "removed")
                scope.add(key, kind, a, b, changed=changed if kind == "changed" else [])
        elif a != b:
            scope.add(key, "changed", a, b)


def region_organisations(region: dict) -> list[str]:
    """The organisations a region names, in first-mention order: its mentions', then its contacts'."""
    ids = [m.get("organisation_id") for m in region.get("mentions", [])]
    ids += [c.get("organisation_id") for c in region.get("contacts", [])]
    return list(dict.fromkeys(i for i in ids if i))


def _organisations(scope: _Scope, old: dict, new: dict, names: dict[str, str]) -> None:
    a, b = region_organisations(old), region_organisations(new)
    for org in b:
        if org not in a:
            scope.add("organisations", "added", new={"organisation_id": org, "name": names.get(org, org)}, item=org)
    for org in a:
        if org not in b:
            scope.add("organisations", "removed", old={"organisation_id": org, "name": names.get(org, org)}, item=org)


def _region_summary(region: dict) -> dict:
    return {k: v for k, v in region.items() if k not in ("document_id",)}


def _report(document: dict) -> tuple:
    """What makes two documents one report across runs whatever their file names: the profile and
    the title (the same report saved under a new name, a date in it, say)."""
    return document.get("profile_id"), " ".join(str(document.get("title") or "").split()).casefold()


def paired(old: Snapshot, new: Snapshot) -> dict[str, str]:
    """Old document id -> new document id for the documents that are the same report under another
    file name: only on one side each, and the only ones of their report (profile and title) there."""
    gone = [d for d in old.documents if d not in new.documents]
    came = [d for d in new.documents if d not in old.documents]
    by_report_old: dict[tuple, list[str]] = {}
    by_report_new: dict[tuple, list[str]] = {}
    for document_id in gone:
        by_report_old.setdefault(_report(old.documents[document_id]), []).append(document_id)
    for document_id in came:
        by_report_new.setdefault(_report(new.documents[document_id]), []).append(document_id)
    return {ids[0]: by_report_new[report][0] for report, ids in by_report_old.items()
            if report[1] and len(ids) == 1 and len(by_report_new.get(report, [])) == 1}


def compare(old: Snapshot, new: Snapshot) -> DiffReport:
    """Every change from ``old`` to ``new``: per document, document.json first, then its regions in
    county-code order. A document saved under another file name is paired with its old self by its
    report (``paired``): its changes are under the new id, with the rename as a change of
    ``document_id`` and ``source_path``."""
    changes: list[Change] = []
    pairs = paired(old, new)
    renamed = set(pairs.values())
    sides = [(d, d) for d in sorted(old.documents.keys() | new.documents.keys())
             if d not in pairs and d not in renamed] + [(a, b) for a, b in pairs.items()]
    for a_id, b_id in sorted(sides, key=lambda ids: ids[1]):
        a_doc, b_doc = old.documents.get(a_id), new.documents.get(b_id)
        scope = _Scope(b_id, None, None, changes)
        if a_doc is None or b_doc is None:
            scope.add("document", "added" if a_doc is None else "removed", a_doc, b_doc)
            continue
        if a_id != b_id:
            scope.add("document_id", "changed", a_id, b_id)
        _compare_fields(scope, a_doc, b_doc, DOCUMENT_DERIVED)
        names = {o["organisation_id"]: o["name"] for doc in (a_doc, b_doc) for o in doc.get("organisations", [])}
        a_regions, b_regions = old.regions.get(a_id, {}), new.regions.get(b_id, {})
        for key in sorted(a_regions.keys() | b_regions.keys()):
            a, b = a_regions.get(key), b_regions.get(key)
            region = _Scope(b_id, key, (b or a or {}).get("county_name"), changes)
            if a is None or b is None:
                region.add("region", "added" if a is None else "removed",
                           a and _region_summary(a), b and _region_summary(b))
                continue
            _compare_fields(region, a, b, REGION_IDENTITY)
            _organisations(region, a, b, names)
    return DiffReport(old=old.label, new=new.label, changed=bool(changes), changes=changes)


if __name__ == "__main__":  # python -m pipeline.review.diff > docs/diff-report.schema.json
    print(json.dumps(report_schema(), ensure_ascii=False, indent=2))
