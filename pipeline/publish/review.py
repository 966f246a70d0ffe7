"""The review page: one self-contained HTML file that shows every extracted value in its source.

``output/review/index.html`` opens from the file system with no server. Per document: an overview
chart of known social enterprises and business promoters per county (counties without a project
shown as such), then per region the source text with every section, count, contact, goal, purpose
item and organisation mention highlighted at its span. Selecting a highlight shows the field, its
normalised value and the rule that produced it; each quality finding links to its place.
"""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

from pipeline import reference
from pipeline.models import Extraction, Region
from pipeline.profile import Profile

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
KIND_ORDER = {"section": 0, "count": 1, "goal": 2, "purpose": 2, "contact": 3, "mention": 4}


def _spans(region: Region, names: dict[str, str]) -> list[dict]:
    spans = []
    for s in region.sections:
        rule = f"label {s.label!r}" if s.section not in ("summary", "other") else (
            "text before the first label" if s.section == "summary" else f"unforeseen label {s.label!r} (reported)")
        spans.append({"kind": "section", "field": f"section {s.section}", "value": s.label or s.section,
                      "rule": rule, "start": s.start, "end": s.end})
    for metric, count in region.counts.items():
        if count.start is not None and count.end is not None and count.end > count.start:
            listed = "" if count.listed is None else f"; {count.listed} listed"
            spans.append({"kind": "count", "field": metric, "value": f"{count.value} ({count.basis}{listed})",
                          "rule": BASIS_RULES[count.basis], "start": count.start, "end": count.end})
    for g in region.goals:
        spans.append({"kind": "goal", "field": f"goal {g.ordinal}", "value": g.label or str(g.ordinal),
                      "rule": f"numbered item, label {g.label!r} as written", "start": g.start, "end": g.end})
    for p in region.purpose_items:
        spans.append({"kind": "purpose", "field": f"purpose item {p.ordinal}", "value": p.label or str(p.ordinal),
                      "rule": "lettered or numbered item of the purpose section", "start": p.start, "end": p.end})
    for c in region.contacts:
        role = f"{c.role_raw} → {c.role}" if c.role_raw else "no role"
        organisation = f"{c.organisation_raw} → {c.organisation_id}" if c.organisation_id else "no organisation"
        spans.append({"kind": "contact", "field": "contact", "value": f"{c.name} ({c.status})",
                      "rule": f"contact line; role {role}; organisation {organisation}", "start": c.start, "end": c.end})
    for m in region.mentions:
        score = f", similarity {m.score}" if m.score is not None else ""
        office = f", office {m.office!r}" if m.office else ""
        spans.append({"kind": "mention", "field": f"organisation ({m.section})",
                      "value": f"{m.organisation_id}: {names.get(m.organisation_id, m.organisation_id)}",
                      "rule": f"{m.method}: {METHOD_RULES[m.method]}{score}{office}", "start": m.start, "end": m.end})
    return spans


def _highlighted(text: str, offset: int, spans: list[dict], anchors: dict[int, str], prefix: str) -> str:
    """``text`` (starting at ``offset``) as HTML with a <span> per piece covered by the same spans."""
    end_of_text = offset + len(text)
    cuts = {offset, end_of_text} | {a for a in anchors if offset <= a <= end_of_text}
    starting: dict[int, list[int]] = {}
    for i, span in enumerate(spans):
        cuts |= {span["start"], span["end"]}
        starting.setdefault(span["start"], []).append(i)
    active: set[int] = {i for i, s in enumerate(spans) if s["start"] < offset < s["end"]}
    out = []
    ordered = sorted(c for c in cuts if offset <= c <= end_of_text)
    for a, b in zip(ordered, ordered[1:]):
        active = {i for i in active if spans[i]["end"] > a} | set(starting.get(a, ()))
        if a in anchors:
            out.append(f'<a id="{anchors[a]}"></a>')
        piece = html.escape(text[a - offset : b - offset])
        covering = [i for i in active if spans[i]["end"] >= b]
        if not covering:
            out.append(piece)
            continue
        inner = max(covering, key=lambda i: (KIND_ORDER[spans[i]["kind"]], spans[i]["start"] - spans[i]["end"]))
        specific_first = sorted(covering, key=lambda i: (spans[i]["end"] - spans[i]["start"],
                                                         -KIND_ORDER[spans[i]["kind"]], i))
        ids = " ".join(f"{prefix}{i}" for i in specific_first)
        focus = ' tabindex="0"' if spans[inner]["kind"] != "section" else ""
        out.append(f'<span class="hl k-{spans[inner]["kind"]}" data-s="{ids}"{focus}>{piece}</span>')
    return "".join(out)


_BAR_CLASSES = ("b-1", "b-2", "b-3", "b-4")


def _chart(extraction: Extraction, profile: Profile) -> str:
    """Inline SVG: per county, the profile's chart metrics (known social enterprises and business
    promoters in this family's profile)."""
    metrics = [m for m in profile.metrics if m.chart][: len(_BAR_CLASSES)]
    by_county = {r.county_code: r for r in extraction.regions}
    values = [c.value for r in extraction.regions for m in metrics if (c := r.counts.get(m.id)) and c.value is not None]
    top = max(values, default=1) or 1
    bar = 9
    row_height = max(22, 4 + bar * len(metrics))
    rows = []
    for n, county in enumerate(reference.counties()):
        y = 24 + n * row_height
        label = html.escape(f"{county.county_code} {county.county_name}")
        rows.append(f'<text x="0" y="{y + 12}" class="c-label">{label}</text>')
        region = by_county.get(county.county_code)
        if region is None:
            rows.append(f'<text x="190" y="{y + 12}" class="c-none">no project</text>')
            continue
        for k, (metric, css) in enumerate(zip((m.id for m in metrics), _BAR_CLASSES)):
            count = region.counts.get(metric)
            value = count.value if count else None
            bar_y = y + k * bar
            if value is None:
                rows.append(f'<text x="190" y="{bar_y + 8}" class="c-na">not stated</text>')
                continue
            width = max(1, round(300 * value / top))
            rows.append(f'<rect x="190" y="{bar_y}" width="{width}" height="8" class="{css}">'
                        f'<title>{html.escape(metric)}: {value}</title></rect>'
                        f'<text x="{194 + width}" y="{bar_y + 8}" class="c-val">{value}</text>')
    height = 30 + row_height * len(reference.counties())
    legend = "".join(
        f'<rect x="{190 + 170 * k}" y="2" width="10" height="8" class="{css}"/>'
        f'<text x="{204 + 170 * k}" y="10">{html.escape(metric.id.replace("_", " "))}</text>'
        for k, (metric, css) in enumerate(zip(metrics, _BAR_CLASSES)))
    label = " and ".join(m.id.replace("_", " ") for m in metrics) or "counts"
    return (f'<svg class="chart" role="img" aria-label="{html.escape(label.capitalize())} per county" '
            f'viewBox="0 0 560 {height}" width="560" height="{height}">{legend}{"".join(rows)}</svg>')


def document_fragment(extraction: Extraction, profile: Profile) -> str:
    """The review section of one document."""
    doc = extraction.document
    names = {o.organisation_id: o.name for o in doc.organisations}
    text = extraction.text
    starts = [r.heading_start for r in extraction.regions] + [len(text)]
    parts = [f'<section class="document" id="doc-{html.escape(doc.document_id)}">',
             f"<h2>{html.escape(doc.title or doc.document_id)}</h2>",
             f'<p class="meta">{html.escape(doc.source_path)} · {doc.source_format} · {doc.regions_found} regions '
             f"(claimed {doc.regions_claimed if doc.regions_claimed is not None else '–'})</p>",
             "<h3>Overview</h3>", _chart(extraction, profile)]
    if doc.quality:
        parts.append("<details><summary>Document findings</summary><ul class=\"findings\">" + "".join(
            f'<li class="sev-{f.severity}">{f.severity} <code>{html.escape(f.code)}</code> {html.escape(f.message)}</li>'
            for f in doc.quality) + "</ul></details>")
    spans_json = {}
    for n, region in enumerate(extraction.regions):
        prefix = f"{doc.document_id}:{region.county_code}:{n}:"
        spans = _spans(region, names)
        anchors = {}
        findings = []
        for k, finding in enumerate(region.quality):
            anchor = f"f-{doc.document_id}-{n}-{k}"
            if finding.start is not None:
                anchors.setdefault(finding.start, anchor)
                link = f'<a href="#{anchors[finding.start]}" class="goto">show</a>'
            else:
                link = ""
            findings.append(f'<li class="sev-{finding.severity}">{finding.severity} <code>{html.escape(finding.code)}'
                            f"</code> {html.escape(finding.message)} {link}</li>")
        body = _highlighted(text[region.heading_start : starts[n + 1]], region.heading_start, spans, anchors, prefix)
        spans_json.update({f"{prefix}{i}": {k: s[k] for k in ("kind", "field", "value", "rule")}
                           for i, s in enumerate(spans)})
        counts = " · ".join(f"{m.replace('_', ' ')}: {c.value if c.value is not None else '–'}"
                            for m, c in region.counts.items())
        parts.append(
            f'<article class="region" data-county="{region.county_code}">'
            f"<h3>{region.county_code} {html.escape(region.county_name)} — {html.escape(region.title)}</h3>"
            f'<p class="meta">{html.escape(counts)} · {len(region.contacts)} contacts · {len(region.goals)} goals · '
            f"{len(region.mentions)} organisation mentions</p>"
            + (f'<ul class="findings">{"".join(findings)}</ul>' if findings else '<p class="meta">No findings.</p>')
            + f'<div class="source">{body}</div></article>')
    parts.append(f'<script type="application/json" class="spans">{_json(spans_json)}</script></section>')
    return "\n".join(parts)


_JSON_ESCAPES = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
"""Characters that could end or reopen the <script> element the JSON sits in ("</script>",
"<!--<script>") or break it as JavaScript (U+2028, U+2029), written as JSON escapes instead."""


def _json(data: object) -> str:
    """JSON that is safe inside a <script> element whatever the source text holds."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for character, escape in _JSON_ESCAPES:
        text = text.replace(character, escape)
    return text


STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b}
header{padding:12px 24px;background:#0b3d5c;color:#fff}header h1{margin:0;font-size:20px}
main{display:grid;grid-template-columns:minmax(0,1fr) 340px;gap:24px;padding:0 24px}
#panel{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;border-left:1px solid #ccc;padding:12px}
#panel dl{margin:0 0 12px}#panel dt{font-weight:600}#panel dd{margin:0 0 6px}
.region{border-top:1px solid #ddd;padding-top:8px}.meta{color:#555;font-size:13px}
.source{white-space:pre-wrap;font:13px/1.6 ui-monospace,monospace;background:#fafafa;padding:8px;border:1px solid #eee}
.hl{cursor:pointer}.k-section{background:#f1f5fb}.k-count{background:#ffe59e}.k-goal,.k-purpose{background:#d9f2d9}
.k-contact{background:#ffd3b6}.k-mention{background:#cfe3ff;border-bottom:2px solid #4a7fd0}
.hl.selected{outline:2px solid #d00}.flash{animation:flash 1.5s}@keyframes flash{from{background:#f66}}
.findings li{font-size:13px}.sev-error{color:#a00}.sev-warning{color:#8a5a00}
.chart text{font-size:11px}.b-1{fill:#3b7dd8}.b-2{fill:#e08a2c}.b-3{fill:#3a9a5b}.b-4{fill:#8e5bb5}.c-none{fill:#888;font-style:italic}.c-na{fill:#888}
"""

SCRIPT = """
const SPANS = {};
document.querySelectorAll('script.spans').forEach(s => Object.assign(SPANS, JSON.parse(s.textContent)));
const panel = document.getElementById('details');
function show(el) {
  document.querySelectorAll('.hl.selected').forEach(e => e.classList.remove('selected'));
  el.classList.add('selected');
  panel.innerHTML = '';
  for (const id of el.dataset.s.split(' ')) {
    const s = SPANS[id];
    if (!s) continue;
    const dl = document.createElement('dl');
    dl.className = 'detail k-' + s.kind;
    for (const [k, v] of [['field', s.field], ['value', s.value], ['rule', s.rule]]) {
      const dt = document.createElement('dt'); dt.textContent = k;
      const dd = document.createElement('dd'); dd.textContent = v; dd.dataset.key = k;
      dl.append(dt, dd);
    }
    panel.append(dl);
  }
}
document.addEventListener('click', e => { const el = e.target.closest('.hl'); if (el) show(el); });
document.addEventListener('keydown', e => { if (e.key === 'Enter' && e.target.classList.contains('hl')) show(e.target); });
document.querySelectorAll('a.goto').forEach(a => a.addEventListener('click', () => {
  const target = document.getElementById(a.getAttribute('href').slice(1));
  const piece = target && target.nextElementSibling;
  if (piece) { piece.classList.add('flash'); setTimeout(() => piece.classList.remove('flash'), 1600); if (piece.classList.contains('hl')) show(piece); }
}));
"""


def page_head(titles: list[tuple[str, str]]) -> str:
    toc = "".join(f'<li><a href="#doc-{html.escape(i)}">{html.escape(t)}</a></li>' for i, t in titles)
    return (f'<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8"><title>Review: extracted regions</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>\n'
            f'<body><header><h1>Review of the extraction</h1><ul>{toc}</ul></header>\n<main><div id="documents">\n')


PAGE_TAIL = ('\n</div><aside id="panel"><h2>Selected value</h2><div id="details"><p>Select a highlighted value '
             'to see its field, normalised value and the rule that produced it.</p></div></aside></main>\n'
             f"<script>{SCRIPT}</script></body></html>\n")


class ReviewWriter:
    """Collects document fragments in a folder (one file each), then streams them into ``index.html``,
    so memory holds one document at a time however many there are."""

    def __init__(self, folder: Path, profile: Profile) -> None:
        self.profile = profile
        self.parts = folder / ".parts"
        self.parts.mkdir(parents=True)
        self.titles: list[tuple[str, str]] = []

    def add(self, extraction: Extraction) -> None:
        number = len(self.titles)
        (self.parts / f"{number:08d}.html").write_text(document_fragment(extraction, self.profile), encoding="utf-8")
        self.titles.append((extraction.document.document_id,
                            f"{extraction.document.title or extraction.document.document_id} ({extraction.document.document_id})"))

    def finish(self) -> None:
        with (self.parts.parent / "index.html").open("w", encoding="utf-8") as page:
            page.write(page_head(self.titles))
            for n, part in enumerate(sorted(self.parts.glob("*.html"))):
                if n:
                    page.write("\n")
                with part.open(encoding="utf-8") as fragment:
                    shutil.copyfileobj(fragment, page)
                part.unlink()
            page.write(PAGE_TAIL)
        self.parts.rmdir()
