"""The diff page: ``pipeline diff --html PATH`` writes one self-contained HTML file (no script, no
network) for reviewing a change in context.

It opens with the summary of ``diff_text``, then per document its document.json changes, then per
region changed: the list of changes, the findings that came or went (all of them for a region added
or removed), and the region's old and new text side by side, one row per section so the two stay
aligned. A region's text is what its file holds: the heading and every section under its label.
Removed words are struck through on the old side and added words marked on the new side
(a word diff per section, sections matched as ``diff`` matches them); every value that changed (a
count, a contact, a goal, a mention, a finding with a place) is outlined on both sides, its change
in the outline's tooltip. A region added or removed has one side only.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from pipeline.review import sequences
from pipeline.review.diff import Change, DiffError, DiffReport, Snapshot, keyed_items, paired, plain, section_key
from pipeline.review.diff_text import folded, line, summary_lines, with_taken, word_opcodes

STYLE = (Path(__file__).resolve().parent / "assets" / "diff.css").read_bytes().decode("utf-8")
"""The page's style sheet, a file of the package that ``make test`` lints with Biome (``biome.json``)."""

_MARKUP = ((re.compile(r"\*\*(.+?)\*\*"), r"<ins>\1</ins>"), (re.compile(r"~~(.+?)~~"), r"<del>\1</del>"),
           (re.compile(r"`(.+?)`"), r"<code>\1</code>"))


def _inline(markdown_line: str) -> str:
    """One line of the Markdown report as HTML."""
    text = html.escape(markdown_line.removeprefix("- "), quote=False)
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def _word_ranges(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character ranges of the words removed from ``old`` and added in ``new``, as the Markdown
    report's word diff finds them."""
    a, b, opcodes = word_opcodes(old, new)
    removed, added = [], []
    for op, i1, i2, j1, j2 in opcodes:
        if op in ("delete", "replace"):
            removed.append((a[i1][0], a[i2 - 1][1]))
        if op in ("insert", "replace"):
            added.append((b[j1][0], b[j2 - 1][1]))
    return removed, added


def _render(text: str, offset: int, edits: list[tuple[int, int]], edit_tag: str,
            marks: list[tuple[int, int, str]]) -> str:
    """``text`` (at ``offset`` in the region) as HTML: ``edits`` (ranges within the text) wrapped in
    ``edit_tag``, ``marks`` (region ranges with a tooltip) outlined."""
    cuts = {0, len(text)}
    for s, e in edits:
        cuts |= {s, e}
    local = [(max(s - offset, 0), min(e - offset, len(text)), title) for s, e, title in marks
             if s < offset + len(text) and e > offset]
    for s, e, _ in local:
        cuts |= {s, e}
    points = sorted(c for c in cuts if 0 <= c <= len(text))
    runs: list[tuple[bool, list[str]]] = []  # an edited run is one <del>/<ins>, whatever marks cut it
    for s, e in zip(points, points[1:]):
        piece = html.escape(text[s:e], quote=False)
        titles = [t for a, b, t in local if a <= s and e <= b]
        if titles:
            piece = f'<span class="changed" title="{html.escape("; ".join(dict.fromkeys(titles)))}">{piece}</span>'
        edited = any(a <= s and e <= b for a, b in edits)
        if runs and runs[-1][0] == edited:
            runs[-1][1].append(piece)
        else:
            runs.append((edited, [piece]))
    return "".join(f"<{edit_tag}>{''.join(p)}</{edit_tag}>" if edited else "".join(p) for edited, p in runs)


def _marks(region: dict, changes: list[Change], side: str) -> list[tuple[int, int, str]]:
    """The spans of the values that changed, on one side, each with its change as a tooltip."""
    marks = []
    for change in changes:
        value = change.old if side == "old" else change.new
        if value is None or change.field in ("sections", "region", "title", "summary"):
            continue
        title = line(change).removeprefix("- ").replace("**", "").replace("~~", "")
        target = region.get(change.field)
        if change.field == "organisations":  # derived: where the region names it
            marks += [(m["start"], m["end"], title) for m in region.get("mentions", [])
                      if m.get("organisation_id") == value.get("organisation_id")]
        elif isinstance(target, dict) and isinstance(target.get("start"), int) and isinstance(target.get("end"), int):
            marks.append((target["start"], target["end"], title))
        elif isinstance(target, list):
            found = next((x for x in target if isinstance(x, dict) and plain(x) == value), None)
            if found and isinstance(found.get("start"), int) and isinstance(found.get("end"), int):
                marks.append((found["start"], found["end"], title))
    return marks


def _merged_keys(old: list[str], new: list[str]) -> list[str]:
    """The section keys of both sides in one order: the new side's, with the old side's own keys
    where they stood."""
    out: list[str] = []
    for op, i1, i2, j1, j2 in sequences.opcodes(old, new):
        out += [k for k in old[i1:i2] if k not in new] if op in ("delete", "replace") else []
        out += new[j1:j2]
    return list(dict.fromkeys(out))


def _cell(side: str, inner: str, same: bool = False) -> str:
    return f'<div class="side {side}{" same" if same else ""}" lang="sv">{inner}</div>'


def _sides(a: dict | None, b: dict | None, changes: list[Change]) -> str:
    """A region's old and new text side by side, one row per section, so the two stay aligned: the
    words and values that changed marked, a side the region is missing from said so."""
    rows = ['<div class="sides"><h4 class="side old">old</h4><h4 class="side new">new</h4>']
    if a is None or b is None:
        present, side = (b, "new") if a is None else (a, "old")
        missing = "old" if a is None else "new"
        texts = {"old": "", "new": ""}
        texts[missing] = f'<p class="absent">not in the {missing} extraction</p>'
        body = [f'<p class="heading">{html.escape(present.get("title", ""), quote=False)}</p>']
        marks = _marks(present, changes, side)
        for key, section in keyed_items(present.get("sections", []), section_key).items():
            body.append(_paragraph(key, section, [], side, marks))
        texts[side] = "".join(body)
        rows += [_cell("old", texts["old"]), _cell("new", texts["new"]), _cell("old end", ""), _cell("new end", ""),
                 "</div>"]
        return "".join(rows)
    marks = {"old": _marks(a, changes, "old"), "new": _marks(b, changes, "new")}
    removed, added = _word_ranges(a.get("title", ""), b.get("title", ""))
    rows += [_cell("old", f'<p class="heading">{_render(a.get("title", ""), 0, removed, "del", [])}</p>'),
             _cell("new", f'<p class="heading">{_render(b.get("title", ""), 0, added, "ins", [])}</p>')]
    old_sections = keyed_items(a.get("sections", []), section_key)
    new_sections = keyed_items(b.get("sections", []), section_key)
    for key in _merged_keys(list(old_sections), list(new_sections)):
        x, y = old_sections.get(key), new_sections.get(key)
        if x is not None and y is not None:
            removed, added = _word_ranges(x.get("text", ""), y.get("text", ""))
        else:
            removed = [(0, len(x.get("text", "")))] if x is not None else []
            added = [(0, len(y.get("text", "")))] if y is not None else []
        old_html = _paragraph(key, x, removed, "old", marks["old"]) if x is not None else ""
        new_html = _paragraph(key, y, added, "new", marks["new"]) if y is not None else ""
        same = not (removed or added) and 'class="changed"' not in old_html + new_html
        rows += [_cell("old", old_html, same), _cell("new", new_html, same)]
    rows += [_cell("old end", ""), _cell("new end", ""), "</div>"]
    return "".join(rows)


def _paragraph(key: str, section: dict, edits: list[tuple[int, int]], side: str,
               marks: list[tuple[int, int, str]]) -> str:
    label = section.get("label")
    label_html = f'<span class="label">{html.escape(label, quote=False)}:</span> ' if label else ""
    body = _render(section.get("text", ""), section.get("start", 0), edits, "del" if side == "old" else "ins", marks)
    return f'<p data-section="{html.escape(key)}">{label_html}{body}</p>'


def _findings(changes: list[Change], old: dict | None, new: dict | None) -> str:
    """The findings that came or went: the changed ones, or all of a region added or removed."""
    if old is None or new is None:
        kind, region = ("came", new) if old is None else ("went", old)
        verb = "new" if old is None else "resolved"
        items = [f'<li class="{kind}">finding {verb}: {html.escape(f["severity"])} '
                 f"<code>{html.escape(f['code'])}</code> — “{html.escape(f['evidence'])}”</li>"
                 for f in (region or {}).get("quality", [])]
    else:
        items = [f'<li class="{"came" if c.kind == "added" else "went" if c.kind == "removed" else "changed-finding"}">'
                 f"{_inline(line(c))}</li>" for c in changes if c.field == "quality"]
    return f'<div class="findings"><h4>Findings that came or went</h4><ul>{"".join(items)}</ul></div>' if items else ""


def page(report: DiffReport, old: Snapshot, new: Snapshot) -> str:
    """The whole page."""
    head = (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>Extraction changes</title><style>{STYLE}</style></head><body>"
            f"<h1>Extraction changes</h1><p>old: <code>{html.escape(report.old)}</code> · "
            f"new: <code>{html.escape(report.new)}</code></p>")
    if not report.changes:
        return head + '<p class="nothing">No changes.</p></body></html>\n'
    summary: list[str] = []
    for text in (s for s in summary_lines(report.changes) if s):  # a document's line, then a list of its parts
        if text.startswith("- "):
            if not summary or not summary[-1].endswith("</ul>"):
                summary.append("<ul></ul>")
            summary[-1] = summary[-1].removesuffix("</ul>") + f"<li>{_inline(text)}</li></ul>"
        else:
            summary.append(f"<p>{_inline(text)}</p>")
    body = [head, '<section class="summary"><h2>Summary</h2>', *summary, "</section>"]
    old_ids = {b: a for a, b in paired(old, new).items()}  # a report saved under another file name
    for document_id in dict.fromkeys(c.document_id for c in report.changes):
        mine = [c for c in report.changes if c.document_id == document_id]
        lines = folded(mine)
        body.append(f'<section class="document" data-document="{html.escape(document_id)}">'
                    f"<h2>{html.escape(document_id)}</h2>")
        document = [c for c in mine if c.region is None]
        if document:
            body.append('<article class="document-json"><h3>document.json</h3><ul class="changes">'
                        + "".join(f"<li>{_inline(with_taken(c, taken))}</li>" for c, taken in lines
                                  if c.region is None) + "</ul></article>")
        for region_key in dict.fromkeys(c.region for c in mine if c.region is not None):
            here = [c for c in mine if c.region == region_key]
            a = old.regions.get(old_ids.get(document_id, document_id), {}).get(region_key)
            b = new.regions.get(document_id, {}).get(region_key)
            either = b or a or {}
            kind = "added" if a is None else "removed" if b is None else "changed"
            body.append(
                f'<article class="region" data-region="{html.escape(region_key)}" data-kind="{kind}">'
                f"<h3>{html.escape(region_key)} {html.escape(either.get('county_name', ''))} "
                f"({html.escape(either.get('region_name', ''))})</h3>"
                '<ul class="changes">' + "".join(f"<li>{_inline(with_taken(c, taken))}</li>" for c, taken in lines
                                                if c.region == region_key and c.field != "quality")
                + "</ul>" + _findings(here, a, b)
                + _sides(a, b, here) + "</article>")
        body.append("</section>")
    return "".join(body) + "</body></html>\n"


def write(path: Path, report: DiffReport, old: Snapshot, new: Snapshot) -> None:
    """Writes the page to ``path``; a folder that cannot be written is a ``DiffError``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(report, old, new), encoding="utf-8", newline="\n")
    except OSError as exc:
        raise DiffError(f"{path}: cannot write the diff page ({exc.strerror or exc})") from exc

