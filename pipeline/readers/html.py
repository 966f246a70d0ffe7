"""Reader for web pages: a page as a content-management system writes it, or as a browser saves
it, becomes the same normalised interim text as a text source.

The page is parsed as a browser parses it (lexbor, the HTML standard's tree building, any depth
of nesting) and walked without recursion. What a reader of the page sees becomes text:

- **Blocks.** Headings (``h1``–``h6``, an accordion's ``<summary>``), paragraphs, lists and tables
  become blocks; ``<br>`` a line break. White space follows HTML's own rule.
- **Labels.** A section label written as a heading (``<h3>Kontakt</h3>``) or alone in a paragraph
  (``<p><b>Kontakt</b></p>``) is read exactly as "Kontakt:", with the blocks under it as its text.
  Labels inside ``<strong>``/``<b>`` stay labels.
- **Lists.** ``<ol>`` items are numbered as the browser numbers them (``start``, ``value``,
  ``type="a"``: "a."); ``<ul>`` items get "•"; items of a list inside an item follow it with "-".
- **Tables** are read row by row, cells kept apart: a row of a label and a value is "label:
  value", further cells follow in parentheses, named by the header row when there is one
  ("Kända sociala företag: 23 (Kommentar: 31 på Sofisams lista)"); a row of three or more cells
  that is no label's, in a table without a header row, is its cells as a list ("a; b; c"). A definition list is read the
  same way: a term that is a label and its description become "label: description", any other
  term and description one line ("Johan Nilsson (f.d. PL), Region Blekinge").
- **Hidden text is not text.** Elements with ``hidden``, ``aria-hidden``, an inline or page style
  ``display:none``/``visibility:hidden``, or a "screen reader only" class (``sr-only``; the list
  is ``reference/web_furniture.csv``) are left out and reported.

**The report, not the site.** Site furniture is removed and reported
(``web_furniture_removed``): scripts, forms, menus and the elements whose role, class or id names
them furniture (cookie banners, breadcrumbs, share and feedback boxes, side menus, footers; never
an element that holds the report's title or a region heading); everything before the report's
title (the first ``<h1>``); lists of links to the page's own headings (a contents list); boxes
under a furniture heading ("På den här sidan"); lines that are only a button ("Till toppen"); and
everything after the last region from the first page-footer line ("Senast uppdaterad", "Dela
sidan", a feedback or contact box) or the first heading of the regions' own level that is no
region. What is cut after the last region without a page-footer line to say so is a warning
(``content_after_last_region``): it may be content.

The publisher line (as a text source's first line) is the page's byline ("Publicerad av …"),
else the publisher its metadata names (JSON-LD ``publisher``), else the site's name
(``og:site_name``).

Hostile pages: the size limit of a text source holds whatever the page declares; a declared
encoding is used only if it is one a web page may have (``ENCODINGS``), else the encoding is
detected; any depth of nesting is walked with explicit stacks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline import web_furniture
from pipeline.errors import UnusableInputError
from pipeline.findings import Code
from pipeline.models import Finding
from pipeline.readers.text import (MAX_SOURCE_BYTES, NormalisedText, ReaderHints, check_text, decode, normalise,
                                   read_source_bytes, read_text_source, too_large)

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
PARAGRAPHS = {"p", "blockquote", "pre", "figcaption", "address", "caption", "legend"}
LISTS = {"ul", "ol", "menu"}
BLOCKS = set(HEADINGS) | PARAGRAPHS | LISTS | {"table", "dl", "summary", "li", "dt", "dd", "tr", "hr"}
CONTAINERS = {"div", "section", "article", "main", "body", "html", "header", "footer", "aside", "details", "figure",
              "td", "th", "center", "hgroup", "search"}
"""Elements whose end ends the line of text before it."""
DROPPED = {"script", "style", "noscript", "template", "nav", "form", "button", "svg", "iframe", "select", "input",
           "textarea", "canvas", "video", "audio", "object", "embed", "dialog", "map", "head", "link", "meta",
           "title", "math", "frameset", "frame"}
"""Elements that are never the report's text."""
FURNITURE_ROLES = {"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog", "menu", "menubar",
                   "toolbar"}
WHAT = "a web page"
MAX_HEADING_LENGTH = 200
MAX_ELEMENTS = 100_000
"""Elements a web page may have (the agency's page has about 2,000; a page of a large table some
tens of thousands): more is refused, one line, before the page is parsed."""
MAX_NESTING = 16_000
"""Levels a web page may nest its elements (``div`` in ``div`` …; the agency's page nests about
20): an HTML parser spends time growing with the square of the depth on them (16,000 levels of
``div`` parse in 0.2 s, 32,000 in 1.7 s, 100,000 in 23 s), so more is refused, one line, before
the page is parsed. Inline formatting (``b``, ``a``) and elements a
parser closes itself (``p``, ``li``, ``td`` …) do not count."""
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)")
_NOT_NESTING = frozenset({
    # void elements
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
    "keygen", "frame",
    # formatting elements (a parser caps their reopening)
    "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
    # elements whose end a parser implies
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot", "rb", "rt", "rtc", "rp",
    "colgroup", "caption", "head", "body", "html"})
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed", "noframes"})
"""A region heading is no longer than this (the profile's default)."""
MAX_JSON_LD = 65_536
"""Characters of one JSON-LD block that are parsed for the publisher."""
SHOWN = 60
"""Characters of removed text quoted in a finding."""
BOX_WORDS = 5
"""Under a furniture heading ("På den här sidan"), the lists and short lines (links, buttons) are the
box's; the first longer paragraph is the page's text again."""

_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_META_CHARSET = re.compile(rb"<meta[^>]{0,1024}?charset\s*=\s*[\"']?\s*([\w.:-]{1,40})", re.IGNORECASE)
_LIST_NUMBER = re.compile(r"[0-9]{1,9}")
"""An ``<ol start>`` or ``<li value>`` read as a number: ASCII digits, at most nine (``start="²"``
or a 30-digit value is ignored, as a browser ignores what it cannot read)."""
_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|opacity\s*:\s*0*(?:\.0+)?\s*(?:;|!|$)"
    r"|font-size\s*:\s*0+(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|!|$)"
    r"|(?:left|top|right|text-indent)\s*:\s*-\d{3,}(?:\.\d+)?(?:px|pt|em|rem)|clip\s*:\s*rect\(\s*0",
    re.IGNORECASE)
"""A style that keeps text from view: not displayed, invisible, fully transparent, of no size,
moved thousands of points off the page, or clipped to nothing."""
STRUCK = {"s", "del", "strike"}
"""Elements whose text a browser shows struck through: what the page says no longer holds ("<s>51</s>
<ins>61</ins>"), left out like hidden text and reported."""
RAISED = {"sup", "sub"}
"""Elements a browser raises or lowers (a footnote mark, "m²"): kept apart from the word before."""
_CSS_RULE = re.compile(r"([^{}@]{1,300})\{([^{}]{0,2000})\}")
_CSS_CLASS = re.compile(r"^\s*(?:[a-z0-9]*)\.([\w-]+)\s*$", re.IGNORECASE)
_CSS_ID = re.compile(r"^\s*(?:[a-z0-9]*)#([\w-]+)\s*$", re.IGNORECASE)
_NAME_PARTS = re.compile(r"[a-z]+")
_BYLINE = re.compile(r"\bPublicerad av:?\s+([^|\n•·]{2,80}?)\s*(?:[|\n•·,]|$)")
_SENTENCE_END = re.compile(r"[.:;!,]$")
_MARKUP = re.compile(r"<[A-Za-z!/?]")
MARKUP_LOOKAHEAD = 65_536
"""Characters of a web page searched for a tag: a file with none there is a text under a page's name."""

ENCODINGS: dict[str, str] = {
    **dict.fromkeys(["utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"],
                    "utf-8"),
    # a page that declares UTF-16 inside itself is ASCII-compatible, so it is not UTF-16: read as UTF-8
    **dict.fromkeys(["utf-16", "utf-16le", "utf-16be", "unicode", "unicodefffe", "unicodefeff", "csunicode",
                     "iso-10646-ucs-2", "ucs-2"], "utf-8"),
    **dict.fromkeys(["windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "iso88591",
                     "latin1", "l1", "cp819", "ibm819", "csisolatin1", "iso-ir-100", "us-ascii", "ascii",
                     "ansi_x3.4-1968", "iso-8859-1:1987", "iso_8859-1:1987"], "cp1252"),
    **dict.fromkeys(["iso-8859-15", "iso8859-15", "iso_8859-15", "iso885915", "latin-9", "l9", "csisolatin9"],
                    "iso8859_15"),
    **{f"windows-{n}": f"cp{n}" for n in (1250, 1251, 1253, 1254, 1255, 1256, 1257, 1258)},
    **{f"cp{n}": f"cp{n}" for n in (1250, 1251, 1253, 1254, 1255, 1256, 1257, 1258)},
    **{f"iso-8859-{n}": f"iso8859_{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 16)},
    **{f"iso8859-{n}": f"iso8859_{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 16)},
    "iso-8859-8-i": "iso8859_8", "windows-874": "cp874", "ibm866": "cp866", "cp866": "cp866",
    "koi8-r": "koi8_r", "koi8-u": "koi8_u", "macintosh": "mac_roman", "mac": "mac_roman",
    "x-mac-cyrillic": "mac_cyrillic", "gbk": "gbk", "gb2312": "gbk", "gb18030": "gb18030", "big5": "big5hkscs",
    "euc-jp": "euc_jp", "iso-2022-jp": "iso2022_jp", "shift_jis": "cp932", "sjis": "cp932", "windows-31j": "cp932",
    "euc-kr": "cp949",
}
"""Character encodings a web page may declare, by label (labels of the WHATWG Encoding Standard,
https://encoding.spec.whatwg.org/#names-and-labels, with the Python codec that decodes them as it
says). Any other declared name (``unicode_escape``, ``rot13``, …) is ignored and the encoding is
detected as for a text source."""


@dataclass
class Block:
    """One block of the page's text: its lines, and what it is."""

    text: str
    kind: str = "text"
    """heading, text, list, table or label (a section label, with the blocks under it)."""
    level: int = 0
    """A heading's level (1-6; 0 for an accordion's summary without a heading in it)."""


@dataclass
class Removed:
    """What the reader left out, for its findings."""

    furniture: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)


def _collapse(text: str) -> str:
    return _WHITESPACE.sub(" ", text)


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def _number(value: object) -> int | None:
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if _LIST_NUMBER.fullmatch(text) else None


def _marker(position: int, kind: str | None) -> str:
    """The marker a browser draws for an ``<ol type=…>`` item at ``position``."""
    if kind in ("a", "A") and 1 <= position <= 26:
        letter = chr(ord("a") + position - 1)
        return letter.upper() if kind == "A" else letter
    if kind in ("i", "I") and 1 <= position <= 39:
        numerals = ["x" * (position // 10), ["", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"][position % 10]]
        roman = "".join(numerals)
        return roman.upper() if kind == "I" else roman
    return str(position)


def _children(node: LexborNode) -> Iterator[LexborNode]:
    return node.iter(include_text=True)


class Page:
    """One parsed page: what is hidden, what is furniture, and its text as blocks."""

    def __init__(self, markup: str, hints: ReaderHints) -> None:
        self.tree = LexborHTMLParser(markup)
        self.hints = hints
        self.furniture = web_furniture.web_furniture()
        self.removed = Removed()
        self.hidden_ids: set[str] = set()
        """Ids the page's own style sheets hide (``#x{display:none}``)."""
        self.hidden_classes = set(self.furniture.hidden_classes) | self._hiding_classes()
        self.keep: set[int] = set()
        """Elements that hold the title or a region heading: never furniture, whatever their names."""
        self.title_node: LexborNode | None = None
        self.heading_texts: set[str] = set()
        self._mark_headings()

    # --- what a reader of the page does not see ------------------------------------------------------

    def _hiding_classes(self) -> set[str]:
        """Classes the page's own style sheets hide (``.x{display:none}``), outside ``@media`` rules."""
        found: set[str] = set()
        for style in self.tree.css("style"):
            css = style.text(deep=True)[:200_000]
            css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
            css = _without_media(css)
            for selectors, body in _CSS_RULE.findall(css):
                if _HIDING_STYLE.search(body):
                    for selector in selectors.split(","):
                        match = _CSS_CLASS.match(selector)
                        if match:
                            found.add(match.group(1).casefold())
                        elif (named := _CSS_ID.match(selector)) is not None:
                            self.hidden_ids.add(named.group(1))
        return found

    def hidden(self, node: LexborNode) -> bool:
        if node.tag in STRUCK:
            return True
        attributes = node.attributes
        if "hidden" in attributes or (attributes.get("aria-hidden") or "").strip().lower() == "true":
            return True
        if _HIDING_STYLE.search(attributes.get("style") or ""):
            return True
        if self.hidden_ids and attributes.get("id") in self.hidden_ids:
            return True
        classes = (attributes.get("class") or "").casefold().split()
        return any(c in self.hidden_classes for c in classes)

    def is_furniture(self, node: LexborNode) -> bool:
        tag = node.tag
        if tag in DROPPED:
            return True
        if node.mem_id in self.keep:
            return False
        attributes = node.attributes
        if (attributes.get("role") or "").strip().lower() in FURNITURE_ROLES:
            return True
        if tag in ("header", "footer") and node.parent is not None and node.parent.tag == "body":
            return True
        names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}".casefold()
        return bool(names.strip()) and any(part in self.furniture.words for part in _NAME_PARTS.findall(names))

    # --- the headings that anchor the report ------------------------------------------------------

    def is_region_heading(self, text: str) -> bool:
        return (bool(text) and len(text) <= MAX_HEADING_LENGTH and not _SENTENCE_END.search(text)
                and self.hints.headings.match(text) is not None)

    def _mark_headings(self) -> None:
        for node in self.tree.css("h1, h2, h3, h4, h5, h6, summary"):
            text = _clean(_collapse(self.inline(node))).replace("\n", " ")
            if not text:
                continue
            if node.tag == "h1" and self.title_node is None:
                self.title_node = node
            elif not self.is_region_heading(text):
                continue
            self.heading_texts.add(text.casefold())
            parent = node.parent
            while parent is not None and parent.mem_id not in self.keep:
                self.keep.add(parent.mem_id)
                parent = parent.parent

    # --- text -------------------------------------------------------------------------------------

    def inline(self, node: LexborNode) -> str:
        """The text of ``node`` as shown: hidden parts left out, ``<br>`` and nested blocks as line breaks."""
        out: list[str] = []
        stack: list[Iterator[LexborNode]] = [_children(node)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            tag = child.tag
            if tag == "-text":
                out.append(_collapse(child.text_content or ""))
            elif tag == "br":
                out.append("\n")
            elif tag.startswith("-") or tag in DROPPED:
                continue
            elif self.hidden(child):
                self._hide(child)
            else:
                if tag in BLOCKS or tag in CONTAINERS:
                    out.append("\n")
                elif tag in RAISED and out and out[-1][-1:].isalnum():
                    out.append(" ")  # "52<sup>2</sup>" is 52 and a footnote mark, not 522
                stack.append(_children(child))
        return "".join(out)

    def _hide(self, node: LexborNode) -> None:
        text = _collapse(node.text(deep=True)).strip()
        if text:
            self.removed.hidden.append(text)

    def _drop(self, node: LexborNode) -> None:
        if node.tag not in ("script", "style", "template", "svg", "head", "meta", "link", "noscript"):
            text = _collapse(node.text(deep=True)).strip()
            if text:
                self.removed.furniture.append(text)

    def list_lines(self, root: LexborNode) -> list[str]:
        """The lines of a list: "3. …" / "c. …" for an ``<ol>`` item (numbered by position,
        ``start``, ``value`` and ``type`` honoured), "• …" for a ``<ul>`` item, and "- …" for each
        item of a list nested in an item, at any depth, after that item."""
        lines: list[str] = []
        stack: list[list] = [[root, self._items(root), _number(root.attributes.get("start")) or 1]]
        while stack:
            frame = stack[-1]
            node, items, position = frame
            item = next(items, None)
            if item is None:
                stack.pop()
                continue
            value = _number(item.attributes.get("value"))
            position = value if value is not None else position
            frame[2] = position + 1
            nested = [c for c in _children(item) if c.tag in LISTS and not self.hidden(c)]
            text = _clean(self._item_text(item)).replace("\n", " ")
            if len(stack) > 1:
                lines.append(f"- {text}" if text else "")
            elif node.tag == "ol":
                lines.append(f"{_marker(position, node.attributes.get('type'))}. {text}")
            else:
                lines.append(f"• {text}")
            for child in reversed(nested):
                stack.append([child, self._items(child), 1])
        return [line for line in lines if line]

    def _items(self, node: LexborNode) -> Iterator[LexborNode]:
        for child in _children(node):
            if child.tag == "li":
                if self.hidden(child):
                    self._hide(child)
                else:
                    yield child

    def _item_text(self, item: LexborNode) -> str:
        """An item's own text, without the lists nested in it."""
        out: list[str] = []
        for child in _children(item):
            if child.tag in LISTS:
                continue
            if child.tag == "-text":
                out.append(_collapse(child.text_content or ""))
            elif child.tag == "br":
                out.append("\n")
            elif not child.tag.startswith("-") and child.tag not in DROPPED:
                if self.hidden(child):
                    self._hide(child)
                else:
                    out.append(self.inline(child))
        return "".join(out)

    def is_label(self, text: str) -> bool:
        """Whether ``text`` is a section or count label of the report family, and nothing else."""
        text = " ".join(text.split()).rstrip(":").rstrip()
        found = self.hints.line_labels.match(f"{text}:")
        return found is not None and found.end() == len(text) + 1

    def table_lines(self, table: LexborNode) -> list[str]:
        """A table row by row: "label: value (Header: more)"; a header row names the further cells."""
        rows: list[tuple[list[LexborNode], bool]] = []
        for row in table.css("tr"):
            if self.hidden(row):
                self._hide(row)
                continue
            cells = [c for c in _children(row) if c.tag in ("td", "th")]
            in_head = row.parent is not None and row.parent.tag == "thead"
            rows.append((cells, in_head))
        header: list[str] = []
        lines: list[str] = []
        for n, (cells, in_head) in enumerate(rows):
            texts = [_clean(self.inline(c)) for c in cells]
            if (in_head or (n == 0 and len(rows) > 1 and len(cells) > 1 and all(c.tag == "th" for c in cells)
                            and not self.is_label(texts[0]))):
                header = [t.replace("\n", " ") for t in texts]
                continue
            filled = [(i, t) for i, t in enumerate(texts) if t]
            if not filled:
                continue
            if len(texts) == 1 or len(filled) == 1 and filled[0][0] == 0:
                first = filled[0][1].replace("\n", " ")
                lines.append(first if len(texts) == 1 or first.endswith(":") else f"{first}:")
                continue
            label = texts[0].replace("\n", " ")
            if len(texts) > 2 and not header and not self.is_label(label):
                # a row of data, not a label and its value: its cells as a list
                lines.append("; ".join(t.replace("\n", " ") for t in texts if t))
                continue
            value = texts[1] if len(texts) > 1 else ""
            extra = [f"{header[i]}: {t}" if i < len(header) and header[i] else t
                     for i, t in enumerate(texts) if i >= 2 and t]
            more = f" ({'; '.join(e.replace(chr(10), ' ') for e in extra)})" if extra else ""
            joiner = " " if label.endswith(":") else ": "
            lines.append(f"{label}{joiner}{value}{more}" if label else f"{value}{more}")
        return lines

    def definition_lines(self, dl: LexborNode) -> list[str]:
        lines: list[str] = []
        term: str | None = None
        descriptions: list[str] = []

        def flush() -> None:
            if term is None and not descriptions:
                return
            if term is not None and self.is_label(term):
                lines.append(f"{term.rstrip(':').strip()}: {' '.join(descriptions)}".rstrip())
            else:
                lines.append(", ".join(t for t in [term, *descriptions] if t))

        for child in _children(dl):
            if child.tag not in ("dt", "dd") and child.tag != "div":
                continue
            if self.hidden(child):
                self._hide(child)
                continue
            parts = [child] if child.tag != "div" else [c for c in _children(child) if c.tag in ("dt", "dd")]
            for part in parts:
                text = _clean(self.inline(part)).replace("\n", " ")
                if part.tag == "dt":
                    flush()
                    term, descriptions = text, []
                elif text:
                    descriptions.append(text)
        flush()
        return [line for line in lines if line]

    def contents_list(self, node: LexborNode) -> bool:
        """A list of links to the page's own headings (an in-page contents list)."""
        items = [c for c in _children(node) if c.tag == "li"]
        if len(items) < 3:
            return False
        for item in items:
            links = item.css("a")
            text = _clean(_collapse(self.inline(item))).replace("\n", " ")
            if len(links) != 1:
                return False
            href = (links[0].attributes.get("href") or "").strip()
            if not href.startswith("#") and text.casefold() not in self.heading_texts:
                return False
        return True

    # --- blocks -----------------------------------------------------------------------------------

    def blocks(self, root: LexborNode) -> list[Block]:
        """The blocks of ``root``, in document order."""
        blocks: list[Block] = []
        inline: list[str] = []

        def flush() -> None:
            text = _clean("".join(inline))
            if text:
                blocks.append(Block(text))
            inline.clear()

        stack: list[tuple[Iterator[LexborNode], bool]] = [(_children(root), False)]
        while stack:
            children, ends_line = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if ends_line:
                    flush()
                continue
            tag = child.tag
            if tag == "-text":
                inline.append(_collapse(child.text_content or ""))
                continue
            if tag == "br":
                inline.append("\n")
                continue
            if tag.startswith("-"):
                continue
            if self.hidden(child):
                self._hide(child)
                continue
            if self.is_furniture(child):
                self._drop(child)
                continue
            if tag in HEADINGS or tag == "summary":
                flush()
                text = _clean(self.inline(child)).replace("\n", " ")
                if text:
                    level = HEADINGS.get(tag, 0)
                    if tag == "summary":
                        inner = child.css_first("h1, h2, h3, h4, h5, h6")
                        level = HEADINGS[inner.tag] if inner is not None else 0
                    blocks.append(Block(text, "heading", level))
            elif tag in LISTS:
                flush()
                if self.contents_list(child):
                    self._drop(child)
                    continue
                lines = self.list_lines(child)
                if lines:
                    blocks.append(Block("\n".join(lines), "list"))
            elif tag == "table":
                flush()
                lines = self.table_lines(child)
                if lines:
                    blocks.append(Block("\n".join(lines), "table"))
            elif tag == "dl":
                flush()
                lines = self.definition_lines(child)
                if lines:
                    blocks.append(Block("\n".join(lines), "list"))
            elif tag in PARAGRAPHS or tag in ("li", "dt", "dd", "hr"):
                flush()
                text = _clean(self.inline(child))
                if text:
                    blocks.append(Block(text))
            else:
                block_level = tag in CONTAINERS or tag in BLOCKS
                if block_level:
                    flush()
                elif tag in RAISED and inline and inline[-1][-1:].isalnum():
                    inline.append(" ")  # a footnote mark after a number is not a digit of it
                stack.append((_children(child), block_level))
        flush()
        return blocks

    # --- the publisher ----------------------------------------------------------------------------

    def publisher(self, blocks: list[Block]) -> str | None:
        """The byline's agency, else the publisher in the page's metadata, else the site's name."""
        for block in blocks:
            match = _BYLINE.search(block.text)
            if match:
                return match.group(1).strip()
        for script in self.tree.css('script[type="application/ld+json"]'):
            name = _json_ld_publisher(script.text(deep=True)[:MAX_JSON_LD])
            if name:
                return name
        site = self.tree.css_first('meta[property="og:site_name"]')
        content = site.attributes.get("content") if site is not None else None
        return _collapse(content).strip() or None if content else None


def _without_media(css: str) -> str:
    """The style sheet without its ``@media`` blocks (rules for print or small screens)."""
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(css):
        at = css.find("@media", i) if depth == 0 else -1
        if depth == 0 and at == -1:
            out.append(css[i:])
            break
        if depth == 0:
            out.append(css[i:at])
            brace = css.find("{", at)
            if brace == -1:
                break
            depth, i = 1, brace + 1
            continue
        open_, close = css.find("{", i), css.find("}", i)
        if close == -1:
            break
        if open_ != -1 and open_ < close:
            depth, i = depth + 1, open_ + 1
        else:
            depth, i = depth - 1, close + 1
    return "".join(out)


def _json_ld_publisher(text: str) -> str | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item[:100])
        elif isinstance(item, dict):
            publisher = item.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                return _collapse(publisher["name"]).strip() or None
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph[:100])
    return None


def _is_only(text: str, phrases: tuple[str, ...]) -> bool:
    folded = text.casefold().strip(" .:!?→↑»›")
    return folded in phrases


def _quote(texts: list[str]) -> str:
    joined = " | ".join(texts)
    return joined if len(joined) <= SHOWN else joined[: SHOWN - 1] + "…"


@dataclass
class Report:
    """The blocks of the report itself, and what was cut around them."""

    blocks: list[Block]
    before_title: list[str] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    after_end: list[str] = field(default_factory=list)
    end_marker: str | None = None
    unmarked_end: str | None = None


def _report(page: Page, blocks: list[Block]) -> Report:
    """The report within the page's blocks: from its title to its last region's end."""
    furniture = page.furniture
    report = Report([])
    title_text = _clean(page.inline(page.title_node)).replace("\n", " ") if page.title_node is not None else None
    start = 0
    if title_text:
        start = next((n for n, b in enumerate(blocks) if b.kind == "heading" and b.level == 1 and b.text == title_text),
                     0)
        report.before_title = [b.text for b in blocks[:start]]
    kept: list[Block] = []
    in_box = False
    for block in blocks[start:]:
        if block.kind == "heading":
            in_box = False
            if _is_only(block.text, furniture.headings) or web_furniture.starts_with(block.text, furniture.headings):
                in_box = True  # "På den här sidan": the heading and the links or buttons under it
                report.furniture.append(block.text)
                continue
        elif in_box and (block.kind == "list" or len(block.text.split()) <= BOX_WORDS):
            report.furniture.append(block.text)
            continue
        else:
            in_box = False
        if block.kind != "heading" and _is_only(block.text, furniture.lines):
            report.furniture.append(block.text)
            continue
        kept.append(block)
    regions = [n for n, b in enumerate(kept) if b.kind == "heading" and page.is_region_heading(b.text)]
    if regions:
        last = regions[-1]
        level = kept[last].level
        label_levels = {b.level for b in kept[regions[0]:last] if b.kind == "heading" and page.is_label(b.text)}
        for n in range(last + 1, len(kept)):
            block = kept[n]
            first_line = block.text.split("\n", 1)[0]
            marker = web_furniture.starts_with(first_line, furniture.ends_report)
            if marker is not None and (block.kind == "heading" or (len(block.text.split()) <= 12 and not
                                                                    first_line.rstrip().endswith((".", "…"))))\
                    and not _holds_report(page, kept[n:]):
                report.end_marker = block.text.split("\n", 1)[0]
                report.after_end = [b.text for b in kept[n:]]
                kept = kept[:n]
                break
            if (block.kind == "heading" and level and block.level and block.level <= level
                    and not (page.is_label(block.text) and block.level in label_levels)):
                after = kept[n + 1].text.split("\n", 1)[0] if n + 1 < len(kept) else ""
                if web_furniture.starts_with(after, furniture.ends_report):  # a box: "Kontakt" / "Har du frågor om …"
                    report.end_marker = block.text
                else:
                    report.unmarked_end = block.text
                report.after_end = [b.text for b in kept[n:]]
                kept = kept[:n]
                break
    report.blocks = _with_labels(page, kept)
    return report


def _holds_report(page: Page, blocks: list[Block]) -> bool:
    """Whether blocks cut as the page's furniture hold the report's own text: a count line, or
    labelled sections of two kinds (a footer has neither; the agency's contact card one label)."""
    labels: set[str] = set()
    for block in blocks:
        for line in block.text.split("\n"):
            found = page.hints.line_labels.match(line)
            if found is not None:
                labels.add(" ".join(found.group(1).split()).casefold())
            elif page.is_label(line):
                labels.add(" ".join(line.rstrip(":").split()).casefold())
    spellings = set(page.hints.label_spellings)
    metrics = page.hints.metric_spellings
    return bool(labels & metrics) or len(labels & spellings) >= 2


def _with_labels(page: Page, blocks: list[Block]) -> list[Block]:
    """A label written as a heading, or alone in a paragraph, becomes "Label:" with the blocks under
    it (up to the next heading or labelled block) as its text, as a text source writes it."""
    out: list[Block] = []
    open_label: Block | None = None
    bare = ""
    for block in blocks:
        first = block.text.split("\n", 1)[0]
        alone = "\n" not in block.text and page.is_label(block.text) and not page.is_region_heading(block.text)
        if alone:
            bare = block.text.strip().rstrip(":").strip() + ":"
            open_label = Block(bare, "label")
            out.append(open_label)
        elif block.kind == "heading" or page.hints.line_labels.match(first):
            open_label = None
            out.append(block)
        elif open_label is not None:
            joiner = " " if open_label.text == bare and block.kind == "text" else "\n"
            open_label.text = f"{open_label.text}{joiner}{block.text}"
        else:
            out.append(block)
    return out


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """The page's text and encoding: a byte-order mark first, then a declared encoding that a web
    page may have, else detection as for a text source. The size limit holds in every case."""
    if len(data) > MAX_SOURCE_BYTES:
        raise too_large(path, len(data), MAX_SOURCE_BYTES, WHAT)
    declared = None if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) else \
        _META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        codec = ENCODINGS.get(name)
        if codec is not None and b"\x00" not in data:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                pass  # the declaration is wrong: detect instead
            else:
                check_text(text, path, codec)
                return text, "utf-8" if codec == "utf-8" else name  # the page's own name for it
    return decode(data, path, WHAT)


def _finding(code: Code, message: str, evidence: str) -> Finding:
    return Finding(county_code=None, severity=code.severity, code=code, message=message, evidence=evidence)


def _check_structure(markup: str, path: Path) -> None:
    """Refuses a page of more than ``MAX_ELEMENTS`` elements or block elements nested more than
    ``MAX_NESTING`` deep, from its tags alone (one pass, before any parsing)."""
    if markup.count("<") <= MAX_NESTING:
        return
    tags = _TAG.findall(markup)
    opened = sum(1 for closing, _ in tags if not closing)
    if opened > MAX_ELEMENTS:
        raise UnusableInputError(path, f"web page has {opened:_} elements, over the limit of {MAX_ELEMENTS:_} "
                                       "(a report's page has a few thousand)".replace("_", " "))
    depth = deepest = 0
    raw: str | None = None
    for closing, name in tags:
        name = name.lower()
        if raw is not None:  # inside a script or a style: only its own end tag counts
            if closing and name == raw:
                raw = None
            continue
        if name in _RAW_TEXT:
            raw = None if closing else name
            continue
        if name in _NOT_NESTING:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    if deepest > MAX_NESTING:
        raise UnusableInputError(path, f"web page nests its elements {deepest:_} deep, over the limit of "
                                       f"{MAX_NESTING:_} (a report's page nests about 20)".replace("_", " "))


def read_html_source(path: Path, data: bytes | None = None, hints: ReaderHints = ReaderHints()) -> NormalisedText:
    """Reads one web page (or its ``data``, already read) into its normalised interim text."""
    data = read_source_bytes(path, MAX_SOURCE_BYTES, WHAT) if data is None else data
    markup, encoding = _decode(data, path)
    if _MARKUP.search(markup, 0, MARKUP_LOOKAHEAD) is None:  # a text saved under a web page's name
        read = read_text_source(path, data, hints)
        return NormalisedText(text=read.text, encoding=read.encoding, findings=(_finding(
            Code.html_is_text, "the file has a web page's name but no markup; read as a text source",
            path.name),) + read.findings)
    _check_structure(markup, path)
    page = Page(markup, hints)
    tree = page.tree
    root = tree.css_first("main") or tree.css_first('[role="main"]') or tree.css_first("article")
    findings: list[Finding] = []
    if root is None:
        root = tree.body or tree.root
        findings.append(_finding(Code.html_no_main, "the page has no <main> or <article>; read the whole body, "
                                 "from the report's title to its last region", path.name))
    blocks = page.blocks(root) if root is not None else []
    if page.title_node is not None and root is not None and not _inside(page.title_node, root):
        title = _clean(page.inline(page.title_node)).replace("\n", " ")
        blocks.insert(0, Block(title, "heading", 1))
    report = _report(page, blocks)
    publisher = page.publisher(report.blocks)
    texts = [b.text for b in report.blocks]
    if publisher and (not texts or texts[0] != publisher):
        texts.insert(0, publisher)
    if not any(texts):
        raise UnusableInputError(path, "web page has no text in its main content")
    removed = [*report.before_title, *page.removed.furniture, *report.furniture]
    if removed:
        findings.append(_finding(Code.web_furniture_removed,
                                 f"site furniture removed from the page ({len(removed)} passages: menus, contents "
                                 "lists, buttons, banners)", _quote(removed)))
    if report.end_marker is not None:
        findings.append(_finding(Code.web_furniture_removed,
                                 f"the page's furniture after the last region, from {report.end_marker[:SHOWN]!r} on "
                                 f"({len(report.after_end)} passages), is not part of the report",
                                 _quote(report.after_end)))
    if report.unmarked_end is not None:
        findings.append(_finding(Code.content_after_last_region,
                                 f"the page goes on after the last region under the heading "
                                 f"{report.unmarked_end[:SHOWN]!r} ({len(report.after_end)} passages); it is not read "
                                 "as part of that region: check that it is not the report's", _quote(report.after_end)))
    if page.removed.hidden:
        findings.append(_finding(Code.text_hidden_from_view,
                                 f"{len(page.removed.hidden)} passages hidden from view were not read",
                                 _quote(page.removed.hidden)))
    text, normalise_findings = normalise("\n\n".join(texts), hints)
    return NormalisedText(text=text, encoding=encoding, findings=tuple(findings) + normalise_findings)


def _inside(node: LexborNode, root: LexborNode) -> bool:
    parent = node
    while parent is not None:
        if parent.mem_id == root.mem_id:
            return True
        parent = parent.parent
    return False
