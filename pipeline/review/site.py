"""The review site: self-contained HTML pages that show every extracted value in its source.

``output/review/index.html`` opens from the file system with no server and loads nothing from the
network. Up to ``DOCUMENTS_PER_PAGE`` documents share that one page; beyond it, ``index.html`` lists
the documents and each has its own page, ``output/review/documents/<document_id>.html``.

Per document:
- a region index (anchors, the profile's counts, contacts, goals and findings per region);
- an overview table of the profile's chart metrics per county, counties without a project shown;
- every finding of the document in one list, filterable by severity, region and code;
- the intro and each region's source text, with every section, count, contact, goal, purpose item
  and organisation mention highlighted at its span and every finding underlined at its place.

Selecting a highlight shows the field, the normalised value, the rule that produced it, the model's
other fields and the findings on that value; ``n``/``p`` (or the toolbar buttons) step through the
findings in the filtered list. The layout is one column with the panel below the text on narrow
screens and two columns on wide ones; highlights are buttons with one tab stop per text (arrow keys
move between them), and the panel's updates are announced.
"""

from __future__ import annotations

import html
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path

import orjson
from pydantic import BaseModel

from pipeline import reference
from pipeline.errors import writing
from pipeline.findings import CATALOGUE, Code
from pipeline.models import Count, Extraction, Finding, Measure, Region
from pipeline.profile import Profile

DOCUMENTS_PER_PAGE = 20
"""Up to this many documents share one page; beyond it each document gets a page of its own,
linked from the index, so no page grows with the corpus."""

BASIS_RULES = {
    "stated": "stated: the number written in the line",
    "listed": "listed: the distinct organisations the line names, counted",
    "none": "none: the line is empty, '-' or 'ej angett'",
}
METHOD_RULES = {
    "alias": "a registry name or alias",
    "office": "a registry name followed by the place of its office",
    "prefix": "a registry name followed by a unit",
    "place": "a place name (municipality or county)",
    "municipal": "a municipality named after a municipal role",
    "regional": "'regionen' / 'Länsstyrelsen': the region's own body",
    "misspelling": "a misspelling the registry lists (reported)",
    "fuzzy": "a close misspelling (reported)",
    "garbled": "a damaged word whose letters spell one registry name (reported)",
    "unregistered": "in no registry (reported)",
}
QUALIFIER_MARKS = {"exact": "", "approximate": "≈ ", "at_least": "≥ ", "at_most": "≤ "}
"""How a count's qualifier is shown before its value: "≈ 250" is "cirka 250"."""
COUNT_LEGEND = ("≈ approximately (\"cirka 250\", \"ett 20-tal\") · ≥ at least (\"drygt 30\", \"40+\", a range's "
                "lower bound, a partial list) · ≤ at most (\"knappt 20\") · \"listed\": no number is written, the "
                "organisations the line names are counted · – no value")
KIND_ORDER = {"section": 0, "count": 1, "goal": 2, "purpose": 2, "contact": 3, "mention": 4}
LEGEND = (
    ("k-section", "section of a region"),
    ("k-count", "count"),
    ("k-goal", "goal or purpose item"),
    ("k-contact", "contact person"),
    ("k-mention", "organisation or place"),
)
SEVERITIES = ("error", "warning", "info")
_DETAILS_EXCLUDE = {"start", "end", "text", "county_code", "document_id"}
"""Model fields the panel does not repeat: offsets, long texts already on screen, keys."""


@lru_cache(maxsize=None)
def _field_names(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(model.model_fields)


def _details(model: BaseModel, shown: set[str] = frozenset()) -> list[list[str]]:
    """Every other field of the model that has a value, as [name, text] pairs: a field added to the
    models appears in the panel without a change here."""
    out = []
    for name in _field_names(type(model)):
        value = getattr(model, name)
        if name in _DETAILS_EXCLUDE or name in shown or value is None or value == [] or value == "":
            continue
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, Enum):
            value = value.value
        out.append([name, str(value)])
    return out


def count_text(count: Count | Measure | None) -> str:
    """A count as the site shows it: its qualifier's mark and how it was read ("≈ 250", "≥ 30",
    "3 listed", "–" for none); a typed value in its unit ("58,4 MSEK", "2024-01-01 – 2025-06-30")."""
    if isinstance(count, Measure):
        if count.basis == "none":
            return "–"
        if count.date is not None:
            return count.date
        if count.period_start is not None:
            return f"{count.period_start} – {count.period_end}"
        number = f"{count.value:,.10g}".replace(",", "\u00a0").replace(".", ",")
        unit = f" {count.unit}" if count.unit else ""
        return f"{QUALIFIER_MARKS[count.qualifier or 'exact']}{number}{unit}"
    if count is None or count.value is None:
        return "–"
    listed = " listed" if count.basis == "listed" else ""
    return f"{QUALIFIER_MARKS[count.qualifier or 'exact']}{count.value}{listed}"


def _found(words: tuple[str, ...], raw: str) -> list[str]:
    folded = " ".join(raw.split()).casefold()
    return [w for w in words if re.search(rf"(?<!\w){re.escape(' '.join(w.split()).casefold())}(?!\w)", folded)]


def qualifier_words(count: Count, profile: Profile) -> str:
    """What in the count line made its value approximate, at least or at most: the profile's
    marker words found in it, or the form of the number ("+", a range, "-tal")."""
    raw, rules = count.raw or "", profile.counts
    if count.qualifier in (None, "exact"):
        return ""
    markers = {"approximate": rules.approximate_markers, "at_least": rules.at_least_markers,
               "at_most": rules.at_most_markers}[count.qualifier]
    found = [repr(w) for w in _found(markers, raw)]
    if count.qualifier == "approximate" and re.search(r"\d-?tal\b|\wtal\b", raw):
        found.append("'-tal' (a round number)")
    if count.qualifier == "at_least":
        if re.search(r"\d\s*\+", raw):
            found.append("'+'")
        if re.search(r"\d\s*(?:[-–—]|till)\s*\d", raw):
            found.append("a range (its lower bound)")
        found += [f"{w!r} (a partial list)" for w in _found(rules.partial_markers, raw)]
    return ", ".join(found) or "the line's wording"


def _spans(region: Region, names: dict[str, str], profile: Profile) -> list[dict]:
    spans = []
    for s in region.sections:
        rule = f"label {s.label!r}" if s.section not in ("summary", "other") else (
            "text before the first label" if s.section == "summary" else f"unforeseen label {s.label!r} (reported)")
        spans.append({"kind": "section", "field": f"section {s.section}", "value": s.label or s.section,
                      "rule": rule, "start": s.start, "end": s.end, "details": _details(s)})
    for metric, count in region.counts.items():
        if count.start is not None and count.end is not None and count.end > count.start:
            listed = "" if getattr(count, "listed", None) is None else f"; {count.listed} listed"
            why = qualifier_words(count, profile)
            qualified = f"; {count.qualifier.replace('_', ' ')}, set by {why}" if why else ""
            spans.append({"kind": "count", "field": metric, "value": f"{count_text(count)} ({count.basis}{listed})",
                          "rule": BASIS_RULES[count.basis] + qualified, "start": count.start, "end": count.end,
                          "details": _details(count, {"value"})})
    for g in region.goals:
        spans.append({"kind": "goal", "field": f"goal {g.ordinal}", "value": g.label or str(g.ordinal),
                      "rule": f"numbered item, label {g.label!r} as written", "start": g.start, "end": g.end,
                      "details": _details(g, {"ordinal"})})
    for item in region.items:
        spans.append({"kind": "goal", "field": f"{item.section} item {item.ordinal}",
                      "value": item.label or f"{item.section} (prose)",
                      "rule": f"item of the {item.section} section" + (f", label {item.label!r} as written" if item.label
                                                                       else ": a section of prose is one item"),
                      "start": item.start, "end": item.end, "details": _details(item, {"ordinal"})})
    for p in region.purpose_items:
        spans.append({"kind": "purpose", "field": f"purpose item {p.ordinal}", "value": p.label or str(p.ordinal),
                      "rule": "lettered or numbered item of the purpose section", "start": p.start, "end": p.end,
                      "details": _details(p, {"ordinal"})})
    for c in region.contacts:
        role = f"{c.role_raw} → {c.role}" if c.role_raw else "no role"
        organisation = f"{c.organisation_raw} → {c.organisation_id}" if c.organisation_id else "no organisation"
        spans.append({"kind": "contact", "field": "contact", "value": f"{c.name} ({c.status})",
                      "rule": f"contact line; role {role}; organisation {organisation}", "start": c.start,
                      "end": c.end, "details": _details(c, {"name", "status"})})
    for m in region.mentions:
        score = f", similarity {m.score}" if m.score is not None else ""
        office = f", office {m.office!r}" if m.office else ""
        spans.append({"kind": "mention", "field": f"organisation ({m.section})",
                      "value": f"{m.organisation_id}: {names.get(m.organisation_id, m.organisation_id)}",
                      "rule": f"{m.method}: {METHOD_RULES[m.method]}{score}{office}", "start": m.start, "end": m.end,
                      "details": _details(m, {"organisation_id", "score", "office"})})
    return spans


@dataclass(frozen=True)
class Placed:
    """A finding with a place in the text: its id on the page and its range (at least one character)."""

    finding_id: str
    severity: str
    start: int
    end: int


def _highlighted(text: str, offset: int, spans: list[dict], findings: list[Placed], prefix: str) -> str:
    """``text`` (starting at ``offset``) as HTML with a <span> per piece covered by the same spans
    and findings. A piece is a button when it holds a value, starts a section (its label) or carries
    a finding; the first button of the text is its one tab stop.

    The pieces are cut at every span's and finding's start and end, so the spans and findings on a
    piece are those started and not yet ended: kept as two sets that each cut updates. What a set of spans gives a
    piece (its kind and its ``data-s``, most specific span first) is worked out once per set."""
    end_of_text = offset + len(text)
    findings = [f for f in findings if f.start < end_of_text and f.end > offset]
    cuts = {offset, end_of_text}
    starting: dict[int, list[int]] = {}
    ending: dict[int, list[int]] = {}
    for i, span in enumerate(spans):
        cuts |= {span["start"], span["end"]}
        if span["end"] > span["start"]:  # an empty span covers no piece
            starting.setdefault(span["start"], []).append(i)
            ending.setdefault(span["end"], []).append(i)
    finding_starts: dict[int, list[int]] = {}
    finding_ends: dict[int, list[int]] = {}
    for k, f in enumerate(findings):
        cuts |= {max(f.start, offset), min(f.end, end_of_text)}
        finding_starts.setdefault(max(f.start, offset), []).append(k)
        finding_ends.setdefault(f.end, []).append(k)
    section_starts = {s["start"] for s in spans if s["kind"] == "section"}
    order = [KIND_ORDER[s["kind"]] for s in spans]
    length = [s["end"] - s["start"] for s in spans]
    looks: dict[frozenset[int], tuple[str, str]] = {}

    def look(covering: frozenset[int]) -> tuple[str, str]:
        """The kind of the innermost span (the most specific kind, then the shortest, then the first)
        and the ``data-s`` attribute, most specific span first."""
        inner = max(covering, key=lambda i: (order[i], -length[i], -i))
        specific_first = sorted(covering, key=lambda i: (length[i], -order[i], i))
        return spans[inner]["kind"], f' data-s="{" ".join(f"{prefix}{i}" for i in specific_first)}"'

    active: set[int] = {i for i, s in enumerate(spans) if s["start"] < offset < s["end"]}
    active_findings: set[int] = set()
    out = []
    first_button = True
    ordered = sorted(c for c in cuts if offset <= c <= end_of_text)
    current: tuple[str, str] | None = None  # what the present set of covering spans gives
    for a, b in zip(ordered, ordered[1:]):
        if a in ending:
            active.difference_update(ending[a])
            current = None
        if a in starting:
            active.update(starting[a])
            current = None
        if a in finding_ends:
            active_findings.difference_update(finding_ends[a])
        if a in finding_starts:
            active_findings.update(finding_starts[a])
            for k in finding_starts[a]:
                out.append(f'<span id="{findings[k].finding_id}"></span>')
        piece = html.escape(text[a - offset : b - offset])
        on = [findings[k] for k in sorted(active_findings)] if active_findings else []
        if not active and not on:
            out.append(piece)
            continue
        classes = ["hl"]
        if active:
            if current is None:
                key = frozenset(active)
                if key not in looks:
                    looks[key] = look(key)
                current = looks[key]
            kind, attributes = current
            button = kind != "section" or a in section_starts
        else:
            kind, attributes, button = "finding", "", True
        classes.append(f"k-{kind}")
        if on:
            worst = min(SEVERITIES.index(f.severity) for f in on)
            classes += ["has-f", f"f-{SEVERITIES[worst]}"]
            attributes += f' data-f="{" ".join(f.finding_id for f in on)}"'
            button = True
        if button and piece.strip():  # a piece of blank space is no control (it has nothing to name it)
            attributes += f' role="button" tabindex="{0 if first_button else -1}"'
            first_button = False
        out.append(f'<span class="{" ".join(classes)}"{attributes}>{piece}</span>')
    return "".join(out)


_BAR_CLASSES = ("b-1", "b-2", "b-3", "b-4")


def unit_label(region: Region) -> str:
    """How the site names a unit: a county unit by its code and county ("10 Blekinge län"), a free
    unit (a project) by its heading."""
    if region.county_code is not None and region.unit_id == region.county_code:
        return f"{region.county_code} {region.county_name}"
    return region.title


def _label(metric_id: str) -> str:
    return metric_id.replace("_", " ")


def _chart(extraction: Extraction, profile: Profile, region_ids: dict[str, str]) -> str:
    """A table with a bar per chart metric of the profile (known social enterprises and business
    promoters in this family's profile) for every county; it reflows to any width."""
    metrics = [m for m in profile.metrics if m.chart][: len(_BAR_CLASSES)]
    by_county: dict[str, Region] = {}
    for region in extraction.regions:
        by_county.setdefault(region.county_code, region)
    values = [c.value for r in extraction.regions for m in metrics if (c := r.counts.get(m.id)) and c.value is not None]
    top = max(values, default=1) or 1
    label = " and ".join(_label(m.id) for m in metrics) or "counts"
    head = "".join(f'<th scope="col"><span class="swatch {css}" aria-hidden="true"></span>{html.escape(_label(m.id))}'
                   f"</th>" for m, css in zip(metrics, _BAR_CLASSES))
    rows = []
    county_units = all(r.unit_id == r.county_code for r in extraction.regions)
    units = ([(html.escape(f"{c.county_code} {c.county_name}"), by_county.get(c.county_code)) for c in reference.counties()]
             if county_units else [(html.escape(unit_label(r)), r) for r in extraction.regions])
    for name, region in units:
        if region is None:
            rows.append(f'<tr><th scope="row">{name}</th><td colspan="{max(1, len(metrics))}" class="c-none">'
                        f"no project</td></tr>")
            continue
        cells = []
        for metric, css in zip(metrics, _BAR_CLASSES):
            count = region.counts.get(metric.id)
            value = count.value if count else None
            if value is None:
                cells.append('<td class="c-na">not stated</td>')
            else:
                cells.append(f'<td><span class="barcell"><span class="bar {css}" style="--w:{value / top:.4f}">'
                             f'</span><span class="v">{html.escape(count_text(count))}</span></span></td>')
        rows.append(f'<tr><th scope="row"><a href="#{region_ids[region.unit_id]}">{name}</a></th>'
                    f'{"".join(cells)}</tr>')
    per = "county" if county_units else "unit"
    return (f'<table class="chart"><caption>{html.escape(label.capitalize())} per {per}</caption>'
            f'<thead><tr><th scope="col">{per.capitalize()}</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _severity_counts(findings: list[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    return ", ".join(f"{counts[s]} {s}{'s' if counts[s] > 1 and s != 'info' else ''}" for s in SEVERITIES
                     if counts[s]) or "none"


def _region_index(extraction: Extraction, profile: Profile, region_ids: list[str], doc_key: str) -> str:
    metrics = profile.metric_ids
    lists = [name for name, reads_as in (("contacts", "contacts"), ("goals", "goals"), ("items", "items"))
             if profile.sections_read_as(reads_as)]  # the lists this family has
    head = "".join(f'<th scope="col">{html.escape(_label(m))}</th>' for m in metrics)
    rows = []
    for region, anchor in zip(extraction.regions, region_ids):
        counts = "".join(f'<td data-label="{html.escape(_label(m))}">{html.escape(count_text(region.counts.get(m)))}</td>'
                         for m in metrics)
        name = unit_label(region)
        sub = "" if name == region.title else f' <span class="sub" lang="sv">{html.escape(region.title)}</span>'
        listed = "".join(f'<td data-label="{n}">{len(getattr(region, n))}</td>' for n in lists)
        rows.append(
            f'<tr><th scope="row"><a href="#{anchor}">{html.escape(name)}</a>{sub}</th>{counts}{listed}'
            f'<td data-label="findings" class="{"has" if region.quality else ""}">'
            f"{_severity_counts(region.quality)}</td></tr>")
    units = "Regions" if all(r.unit_id == r.county_code for r in extraction.regions) else "Units"
    return (f'<table class="index" id="{doc_key}-index"><caption>{units}: {len(extraction.regions)} found, '
            f"{extraction.document.regions_claimed if extraction.document.regions_claimed is not None else 'none'}"
            f' claimed in the intro</caption><thead><tr><th scope="col">{units[:-1]}</th>{head}'
            + "".join(f'<th scope="col">{n}</th>' for n in lists)
            + f'<th scope="col">findings</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _findings_list(doc_key: str, entries: list[tuple[str, Finding, str, str]]) -> str:
    """Every finding of the document, with filters by severity, region and code."""
    severities = Counter(f.severity for _, f, _, _ in entries)
    regions: dict[str, tuple[str, int]] = {}
    for _, _, region_key, region_label in entries:
        name, n = regions.get(region_key, (region_label, 0))
        regions[region_key] = (name, n + 1)
    codes = Counter(f.code.value for _, f, _, _ in entries)

    def select(name: str, label: str, options: list[tuple[str, str]]) -> str:
        choices = "".join(f'<option value="{html.escape(v)}">{html.escape(t)}</option>' for v, t in options)
        return (f'<label>{label} <select data-filter="{name}"><option value="">all</option>{choices}</select>'
                f"</label>")

    filters = (select("sev", "Severity", [(s, f"{s} ({severities[s]})") for s in SEVERITIES if severities[s]])
               + select("region", "Region", [(k, f"{t} ({n})") for k, (t, n) in regions.items()])
               + select("code", "Code", [(c, f"{c} ({n})") for c, n in sorted(codes.items())]))
    rows = []
    for finding_id, finding, region_key, region_label in entries:
        place = (f'<a href="#{finding_id}" class="goto">show</a>' if finding.start is not None
                 else '<span class="sub">no place in the text</span>')
        rows.append(
            f'<tr class="sev-{finding.severity}" data-fid="{finding_id}" data-sev="{finding.severity}" '
            f'data-region="{region_key}" data-code="{finding.code.value}" '
            f'data-placed="{1 if finding.start is not None else 0}">'
            f'<td data-label="severity" class="inline"><span class="sev">{finding.severity}</span></td>'
            f'<td data-label="code" class="inline"><code>{html.escape(finding.code.value)}</code></td>'
            f'<td data-label="region" class="inline last">{html.escape(region_label)}</td>'
            f'<td data-label="message" class="block">{html.escape(finding.message)}</td>'
            f'<td data-label="evidence" class="block" lang="sv">{html.escape(finding.evidence)}</td>'
            f'<td data-label="place" class="block">{place}</td></tr>')
    return (f'<div class="findings" id="{doc_key}-findings" data-doc="{doc_key}">'
            f'<form class="filters" aria-label="Filter the findings">{filters}</form>'
            f'<p class="status" role="status" aria-live="polite">{len(entries)} of {len(entries)} findings shown</p>'
            f'<table class="flist"><caption class="vh">Findings</caption><thead><tr><th scope="col">severity</th>'
            f'<th scope="col">code</th><th scope="col">region</th><th scope="col">message</th>'
            f'<th scope="col">evidence</th><th scope="col">place</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            f"</table></div>")


def _finding_data(finding: Finding, region_label: str) -> dict:
    info = CATALOGUE[Code(finding.code)]
    return {"severity": finding.severity, "code": finding.code.value, "meaning": info.meaning,
            "message": finding.message, "region": region_label,
            "details": _details(finding, {"severity", "code", "message"})}


def _since(key: str, changes: list | None, label: str, region_ids: dict[str, str]) -> str:
    """What changed in this document since the previous extraction: the diff's summary, then every
    edit on a line of its own (old and new values, removed words struck, added ones marked), under
    its region, which links to its text; nothing when nothing changed or there was nothing to
    compare with (so a run that changes nothing writes the same page again)."""
    if not changes:
        return ""
    from pipeline.review.diff_page import _inline
    from pipeline.review.diff_text import folded, summary_lines, with_taken

    head = f'<h3 id="{key}-since">Changed since {html.escape(label)}</h3>'
    document = next((t for t in summary_lines(changes) if t and not t.startswith("- ")), "")
    blocks = []
    lines = folded(changes)
    for region in dict.fromkeys(c.region for c, _ in lines):
        here = [(c, taken) for c, taken in lines if c.region == region]
        first = here[0][0]
        where = "document" if region is None else f"{region} {first.county_name or ''}".strip()
        target = region_ids.get(str(region).split("#")[0]) if region is not None else None
        name = f'<a href="#{target}">{html.escape(where)}</a>' if target else html.escape(where)
        edits = "".join(f"<li>{_inline(with_taken(c, taken))}</li>" for c, taken in here)
        blocks.append(f"<li>{name}<ul>{edits}</ul></li>")
    return (head + f'<p class="meta">{html.escape(document.split(": ", 1)[-1])} (as <code>make diff</code> '
            f'reports it)</p><ul class="since">{"".join(blocks)}</ul>')


def document_fragment(extraction: Extraction, profile: Profile, since: list | None = None,
                      since_label: str = "the previous extraction") -> str:
    """The review section of one document; with ``since``, the changes since ``since_label``
    (the diff's records for this document) listed under its own heading."""
    doc = extraction.document
    key = html.escape(doc.document_id)
    names = {o.organisation_id: o.name for o in doc.organisations}
    text = extraction.text
    region_ids = [f"{key}--{name.removesuffix('.json')}" for name in doc.region_files] or [
        f"{key}--{n}" for n in range(len(extraction.regions))]
    first_region = {}
    for region, anchor in zip(extraction.regions, region_ids):
        first_region.setdefault(region.unit_id, anchor)

    entries: list[tuple[str, Finding, str, str]] = []
    for finding in doc.quality:
        entries.append((f"{key}-f{len(entries)}", finding, "document", "whole document"))
    for region, anchor in zip(extraction.regions, region_ids):
        for finding in region.quality:
            entries.append((f"{key}-f{len(entries)}", finding, anchor, unit_label(region)))
    placed = [Placed(fid, f.severity, f.start, max(f.end if f.end is not None else f.start, f.start + 1))
              for fid, f, _, _ in entries if f.start is not None]

    provenance = " · ".join(html.escape(p) for p in (
        doc.source_path, doc.source_format, f"{doc.regions_found} regions (claimed "
        f"{doc.regions_claimed if doc.regions_claimed is not None else '–'})",
        f"pipeline {doc.pipeline_version}", f"profile {doc.profile_id} (sha256 {doc.profile_sha256[:12]}…)"))
    parts = [f'<section class="document" id="doc-{key}" aria-labelledby="doc-{key}-title">',
             f'<h2 id="doc-{key}-title" lang="sv">{html.escape(doc.title or doc.document_id)}</h2>',
             f'<p class="meta">{provenance}</p>',
             *([f'<p class="meta" role="note"><strong>Redacted:</strong> people\'s names, e-mail addresses and '
                f'phone numbers in this document are pseudonyms (salt fingerprint '
                f'{html.escape(doc.redaction_salt_fingerprint or "")}), not as written.</p>'] if doc.redacted else []),
             f'<nav class="jump" aria-label="Parts of {key}"><a href="#{key}-regions">Regions</a> '
             f'<a href="#{key}-overview">Overview</a> <a href="#{key}-findings-title">Findings ({len(entries)})</a> '
             f'<a href="#{key}-text">Text</a></nav>',
             _since(key, since, since_label, first_region),
             f'<h3 id="{key}-regions">Regions</h3>', _region_index(extraction, profile, region_ids, key),
             f'<p class="meta">{html.escape(COUNT_LEGEND)}</p>',
             f'<h3 id="{key}-overview">Overview</h3>', _chart(extraction, profile, first_region),
             f'<h3 id="{key}-findings-title">Findings</h3>', _findings_list(key, entries),
             f'<h3 id="{key}-text">Text</h3>']
    spans_json: dict[str, dict] = {}
    starts = [r.heading_start for r in extraction.regions] + [len(text)]
    if starts[0] > 0:
        body = _highlighted(text[: starts[0]], 0, [], placed, f"{key}:intro:")
        parts.append(f'<article class="region intro" aria-labelledby="{key}--intro-title">'
                     f'<h4 id="{key}--intro-title">Introduction</h4>'
                     f'<div class="source" lang="sv" role="group" aria-label="Introduction text">{body}</div>'
                     "</article>")
    for n, (region, anchor) in enumerate(zip(extraction.regions, region_ids)):
        prefix = f"{key}:{n}:"
        spans = _spans(region, names, profile)
        body = _highlighted(text[region.heading_start : starts[n + 1]], region.heading_start, spans, placed, prefix)
        spans_json.update({f"{prefix}{i}": {k: s[k] for k in ("kind", "field", "value", "rule", "details")}
                           for i, s in enumerate(spans)})
        counts = " · ".join(f"{_label(m)}: {count_text(c)}" for m, c in region.counts.items())
        title = unit_label(region)
        heading = html.escape(title) if title == region.title else \
            f'{html.escape(title)} — <span lang="sv">{html.escape(region.title)}</span>'
        listed = " · ".join(f"{len(values)} {name}" for name, values, shown in (
            ("contacts", region.contacts, profile.sections_read_as("contacts")),
            ("goals", region.goals, profile.sections_read_as("goals")),
            ("items", region.items, profile.sections_read_as("items"))) if shown)
        parts.append(
            f'<article class="region" id="{anchor}" data-county="{region.county_code or ""}" '
            f'aria-labelledby="{anchor}-title">'
            f'<h4 id="{anchor}-title">{heading}</h4>'
            f'<p class="meta">{html.escape(" · ".join(filter(None, (counts, listed))))} · '
            f"{len(region.mentions)} organisation mentions · findings: {_severity_counts(region.quality)} · "
            f'<a href="#{key}-regions">back to the regions</a></p>'
            f'<div class="source" lang="sv" role="group" aria-label="Source text of {html.escape(title)}">{body}</div>'
            f"</article>")
    findings_json = {fid: _finding_data(f, label) for fid, f, _, label in entries}
    parts.append(f'<script type="application/json" class="spans">{_json(spans_json)}</script>')
    parts.append(f'<script type="application/json" class="findings-data">{_json(findings_json)}</script></section>')
    return "\n".join(parts)


_JSON_ESCAPES = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
"""Characters that could end or reopen the <script> element the JSON sits in ("</script>",
"<!--<script>") or break it as JavaScript (U+2028, U+2029), written as JSON escapes instead."""


def _json(data: object) -> str:
    """JSON that is safe inside a <script> element whatever the source text holds (compact, keys
    sorted; orjson, ten times faster than ``json.dumps`` on a report's spans)."""
    text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    for character, escape in _JSON_ESCAPES:
        if character in text:
            text = text.replace(character, escape)
    return text


ASSETS = Path(__file__).resolve().parent / "assets"
"""The page's style sheet and script, files of the package (``review.css``, ``review.js``) that
``make test`` lints with Biome (``biome.json``); read once, embedded in every page as they are."""
STYLE = (ASSETS / "review.css").read_bytes().decode("utf-8")
SCRIPT = (ASSETS / "review.js").read_bytes().decode("utf-8")


def _legend() -> str:
    items = "".join(f'<li><span class="swatch {css}" aria-hidden="true"></span>{html.escape(text)}</li>'
                    for css, text in LEGEND)
    findings = "".join(f'<li><span class="has-f f-{s}">text</span> a finding ({s})</li>' for s in SEVERITIES)
    return ('<section class="legend" aria-labelledby="legend-title"><h2 id="legend-title" class="vh">How to read '
            f'this page</h2><ul aria-label="Colours">{items}{findings}'
            '<li><span class="sample-selected">text</span> the selected value</li></ul>'
            '<p class="sub">Select a highlighted value (tap or click it; or Tab into a text, move with ← →, '
            'press Enter) to see its field, value, rule and findings. The toolbar, or the keys <kbd>n</kbd> and '
            '<kbd>p</kbd>, step to the next and previous finding of the findings list, as filtered.</p></section>')


def page_head(title: str, documents_nav: str, findings_tools: bool = True) -> str:
    toolbar = ('<nav class="toolbar" aria-label="Findings">'
               '<button type="button" id="prev-finding" aria-keyshortcuts="p">◀ Previous finding</button>'
               '<button type="button" id="next-finding" aria-keyshortcuts="n">Next finding ▶</button>'
               '<label class="keys"><input type="checkbox" id="keys" checked> keys n/p</label>'
               '<span class="pos" id="position" role="status"></span></nav>') if findings_tools else ""
    main_class, legend = ("", _legend()) if findings_tools else (' class="single"', "")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>\n'
            f'<body><a class="skip" href="#main">Skip to the content</a>'
            f'<header><h1>{html.escape(title)}</h1>{documents_nav}</header>\n{toolbar}'
            f'<main id="main" tabindex="-1"{main_class}><div id="documents">{legend}\n')


PAGE_TAIL = ('\n</div><aside id="panel" aria-labelledby="panel-title" tabindex="0">'
             '<h2 id="panel-title">Selected value</h2>'
             '<div id="details" aria-live="polite"><p>Select a highlighted value to see its field, normalised value, '
             'the rule that produced it and the findings on it.</p></div></aside></main>\n'
             f"<script>{SCRIPT}</script></body></html>\n")

PAGE_TITLE = "Review: extracted regions"


@dataclass(frozen=True)
class DocumentEntry:
    """What the index says about one document."""

    document_id: str
    title: str
    source_path: str
    regions: int
    findings: str


class ReviewWriter:
    """Collects document fragments in a folder (one file each), then streams them into the pages,
    so memory holds one document at a time however many there are."""

    def __init__(self, folder: Path, profile: Profile,
                 write: Callable[[Path, bytes], None] = lambda path, data: path.write_bytes(data),
                 since: Callable[[Extraction, dict[str, dict]], list | None] | None = None,
                 since_label: str = "the previous extraction") -> None:
        """``write`` writes a fragment's file (the output writer's thread, which the caller lets
        finish before ``finish``); ``since`` gives a document's changes since ``since_label`` from
        the extraction and its JSON files (None: nothing to compare with)."""
        self.since = since
        self.since_label = since_label
        self.profile = profile
        self.write = write
        self.folder = folder
        self.parts = folder / ".parts"
        self.parts.mkdir(parents=True)
        self.documents: list[DocumentEntry] = []

    def add(self, extraction: Extraction, files: dict[str, dict] | None = None) -> None:
        doc = extraction.document
        number = len(self.documents)
        since = self.since(extraction, files) if self.since is not None and files is not None else None
        self.write(self.parts / f"{number:08d}.html",
                   document_fragment(extraction, self.profile, since, self.since_label).encode("utf-8"))
        findings = [*doc.quality, *(f for r in extraction.regions for f in r.quality)]
        self.documents.append(DocumentEntry(doc.document_id, doc.title or doc.document_id, doc.source_path,
                                            len(extraction.regions), _severity_counts(findings)))

    def _parts(self) -> list[Path]:
        return sorted(self.parts.glob("*.html"))

    def finish(self) -> list[Path]:
        """Writes the pages; returns their paths."""
        if len(self.documents) <= DOCUMENTS_PER_PAGE:
            nav = "<nav aria-label=\"Documents\"><ul>" + "".join(
                f'<li><a href="#doc-{html.escape(d.document_id)}" lang="sv">{html.escape(d.title)}</a> '
                f"({html.escape(d.document_id)})</li>" for d in self.documents) + "</ul></nav>"
            written = [self._page(self.folder / "index.html", PAGE_TITLE, nav, self._parts())]
        else:
            (self.folder / "documents").mkdir()
            written = [self._page(self.folder / "documents" / f"{d.document_id}.html",
                                  f"Review: {d.title} ({d.document_id})",
                                  '<nav aria-label="Documents"><a href="../index.html">All documents</a></nav>', [part])
                       for d, part in zip(self.documents, self._parts())]
            written.insert(0, self._index())
        self.parts.rmdir()
        return written

    def _page(self, path: Path, title: str, nav: str, parts: list[Path]) -> Path:
        with writing(path), path.open("w", encoding="utf-8") as page:
            page.write(page_head(title, nav))
            for n, part in enumerate(parts):
                if n:
                    page.write("\n")
                with part.open(encoding="utf-8") as fragment:
                    shutil.copyfileobj(fragment, page)
                part.unlink()
            page.write(PAGE_TAIL)
        return path

    def _index(self) -> Path:
        rows = "".join(
            f'<tr><th scope="row"><a href="documents/{html.escape(d.document_id)}.html" lang="sv">'
            f"{html.escape(d.title)}</a></th><td>{html.escape(d.document_id)}</td><td>{html.escape(d.source_path)}</td>"
            f"<td>{d.regions}</td><td>{html.escape(d.findings)}</td></tr>" for d in self.documents)
        path = self.folder / "index.html"
        with writing(path):
            self._write_index(path, rows)
        return path

    def _write_index(self, path: Path, rows: str) -> None:
        path.write_text(
            page_head(PAGE_TITLE, "", findings_tools=False)
            + f'<h2>{len(self.documents)} documents</h2><p>Each document has a page of its own.</p>'
            f'<table class="documents"><caption class="vh">Documents</caption><thead><tr><th scope="col">title</th>'
            f'<th scope="col">document id</th><th scope="col">source</th><th scope="col">regions</th>'
            f'<th scope="col">findings</th></tr></thead><tbody>{rows}</tbody></table>'
            "\n</div></main>\n</body></html>\n", encoding="utf-8")
