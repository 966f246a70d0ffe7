"""The diff command: two extractions become a field-level change report in Markdown.

Either side is an output folder (``output`` or ``output/json``) or a git revision whose
``output/json`` is read from the repository. Records are matched on stable keys (document id,
county code, contact name, goal label, organisation id, finding code and evidence), never on
list positions, so a reordered source is not a change.
"""

from __future__ import annotations

import difflib
import json
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

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
    "county_code": str, "county_name": str, "region_name": str, "title": str,
    "contacts": [{"name": str, "role": _TEXT, "organisation_id": _TEXT, "status": str}],
    "goals": [{"label": _TEXT, "ordinal": int, "text": str}],
    "mentions": [{"organisation_id": str}],
    "quality": [_FINDING],
}
_COUNT_SHAPE = {"value": (int, type(None)), "basis": str, "raw": _TEXT}


def _shape_problem(value: object, shape: object, where: str) -> str | None:
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
    if not isinstance(value, shape) or (isinstance(value, bool) and shape is int):  # type: ignore[arg-type]
        return f"{where} has the wrong type"
    return None


def _check(data: object, name: str) -> str | None:
    if name == "document.json":
        return _shape_problem(data, _DOCUMENT_SHAPE, "")
    problem = _shape_problem(data, _REGION_SHAPE, "")
    if problem or not isinstance(data, dict):
        return problem
    for key in metrics(data):
        problem = _shape_problem(data[key], _COUNT_SHAPE, key)
        if problem:
            return problem
    return None


def _add(snapshot: Snapshot, document_id: str, name: str, content: str) -> None:
    try:
        data = json.loads(content)
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
        key = data["county_code"]
        seen = Counter(k.split("#")[0] for k in regions)
        regions[key if not seen[key] else f"{key}#{seen[key] + 1}"] = data


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
        raise DiffError(f"git {' '.join(args)}: {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else 'failed'}")
    return result.stdout


def load_revision(revision: str, repository: Path, folder: str = "output/json") -> Snapshot:
    _git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", cwd=repository)
    snapshot = Snapshot(f"{revision}:{folder}")
    names = _git("ls-tree", "-r", "--name-only", revision, "--", folder, cwd=repository).split()
    for name in sorted(names):
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
    try:
        return load_revision(side, repository)
    except DiffError as exc:
        raise DiffError(f"{side}: neither an output folder nor a git revision with output/json ({exc})") from exc


def word_diff(old: str, new: str) -> str:
    """``old`` → ``new`` as words, removed ones ~~struck~~ and added ones **bold**."""
    a, b = old.split(), new.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(" ".join(a[i1:i2]))
        if op in ("delete", "replace"):
            parts.append(f"~~{' '.join(a[i1:i2])}~~")
        if op in ("insert", "replace"):
            parts.append(f"**{' '.join(b[j1:j2])}**")
    return " ".join(parts)


def _count(count: dict) -> str:
    value = "–" if count["value"] is None else count["value"]
    return f"{value} ({count['basis']})"


def _goal_keys(goals: list[dict]) -> dict[str, dict]:
    labels = [g["label"] for g in goals]
    unique = all(labels) and len(set(labels)) == len(labels)
    return {(g["label"] if unique else f"#{g['ordinal']}"): g for g in goals}


def _findings(findings: list[dict]) -> Counter:
    return Counter((f["severity"], f["code"], f["evidence"]) for f in findings)


def _finding_lines(old: list[dict], new: list[dict]) -> list[str]:
    before, after = _findings(old), _findings(new)
    lines = [f"- finding new: {s} `{c}` — {e!r}" for (s, c, e) in sorted((after - before).elements())]
    lines += [f"- finding resolved: {s} `{c}` — {e!r}" for (s, c, e) in sorted((before - after).elements())]
    return lines


def metrics(region: dict) -> list[str]:
    """The count metrics of a region file, in file order: the keys whose value is a count (an
    object with a ``basis``), so two extractions made with different profiles compare too."""
    return [key for key, value in region.items() if isinstance(value, dict) and "basis" in value]


def compare_regions(old: dict, new: dict, names: dict[str, str]) -> list[str]:
    """The changes of one region, one Markdown bullet each."""
    lines = []
    if old["title"] != new["title"]:
        lines.append(f"- title: {word_diff(old['title'], new['title'])}")
    absent = {"value": None, "basis": "none", "raw": None}
    for metric in dict.fromkeys(metrics(old) + metrics(new)):
        a, b = old.get(metric, absent), new.get(metric, absent)
        if (a["value"], a["basis"]) != (b["value"], b["basis"]):
            lines.append(f"- **{metric}**: {_count(a)} → {_count(b)}")
        elif a["raw"] != b["raw"]:
            lines.append(f"- {metric} text: {word_diff(a['raw'] or '', b['raw'] or '')}")
    old_contacts = {c["name"]: c for c in old["contacts"]}
    new_contacts = {c["name"]: c for c in new["contacts"]}
    for name in sorted(new_contacts.keys() - old_contacts.keys()):
        c = new_contacts[name]
        lines.append(f"- contact added: {name} ({c['role'] or 'no role'}, {c['organisation_id'] or 'no organisation'}, {c['status']})")
    for name in sorted(old_contacts.keys() - new_contacts.keys()):
        lines.append(f"- contact removed: {name}")
    for name in sorted(old_contacts.keys() & new_contacts.keys()):
        a, b = old_contacts[name], new_contacts[name]
        for key in ("status", "role", "organisation_id"):
            if a[key] != b[key]:
                lines.append(f"- contact {name}: {key} {a[key]} → {b[key]}")
    old_goals, new_goals = _goal_keys(old["goals"]), _goal_keys(new["goals"])
    for key in new_goals.keys() - old_goals.keys():
        lines.append(f"- goal {key} added: {new_goals[key]['text']!r}")
    for key in old_goals.keys() - new_goals.keys():
        lines.append(f"- goal {key} removed: {old_goals[key]['text']!r}")
    for key in sorted(old_goals.keys() & new_goals.keys()):
        if old_goals[key]["text"] != new_goals[key]["text"]:
            lines.append(f"- goal {key} reworded: {word_diff(old_goals[key]['text'], new_goals[key]['text'])}")
    old_orgs = {m["organisation_id"] for m in old["mentions"]}
    new_orgs = {m["organisation_id"] for m in new["mentions"]}
    lines += [f"- organisation gained: {o} ({names.get(o, o)})" for o in sorted(new_orgs - old_orgs)]
    lines += [f"- organisation lost: {o} ({names.get(o, o)})" for o in sorted(old_orgs - new_orgs)]
    return lines + _finding_lines(old["quality"], new["quality"])


def report(old: Snapshot, new: Snapshot) -> tuple[str, bool]:
    """The Markdown change report and whether anything changed."""
    out = ["# Extraction changes", "", f"- old: `{old.label}`", f"- new: `{new.label}`", ""]
    changed = False
    for document_id in sorted(old.documents.keys() | new.documents.keys()):
        if document_id not in new.documents:
            out += [f"## {document_id}", "", "- document disappeared", ""]
            changed = True
            continue
        if document_id not in old.documents:
            regions = len(new.regions.get(document_id, {}))
            out += [f"## {document_id}", "", f"- document appeared ({regions} regions)", ""]
            changed = True
            continue
        names = {o["organisation_id"]: o["name"] for doc in (old.documents[document_id], new.documents[document_id])
                 for o in doc["organisations"]}
        section: list[str] = []
        a_doc, b_doc = old.documents[document_id], new.documents[document_id]
        for key in ("title", "regions_found", "regions_claimed"):
            if a_doc.get(key) != b_doc.get(key):
                section.append(f"- document {key}: {a_doc.get(key)} → {b_doc.get(key)}")
        section += _finding_lines(a_doc["quality"], b_doc["quality"])
        a_regions, b_regions = old.regions.get(document_id, {}), new.regions.get(document_id, {})
        for key in sorted(b_regions.keys() - a_regions.keys()):
            section.append(f"- region appeared: {key} {b_regions[key]['county_name']} ({b_regions[key]['title']})")
        for key in sorted(a_regions.keys() - b_regions.keys()):
            section.append(f"- region disappeared: {key} {a_regions[key]['county_name']}")
        for key in sorted(a_regions.keys() & b_regions.keys()):
            lines = compare_regions(a_regions[key], b_regions[key], names)
            if lines:
                heading = f"### {key} {b_regions[key]['county_name']} ({b_regions[key]['region_name']})"
                section += (["", heading, ""] if section else [heading, ""]) + lines
        if section:
            changed = True
            out += [f"## {document_id}", "", *section, ""]
    if not changed:
        out.append("No changes.")
    return "\n".join(out).rstrip("\n") + "\n", changed
