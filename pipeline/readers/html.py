"""Reader for web pages: the main content becomes the same normalised interim text as a text source.

Only ``<main>`` (or ``[role=main]``, ``<article>``) is read; navigation, cookie banners, headers,
footers, scripts and asides are dropped. Headings and paragraphs become blocks, ``<br>`` keeps
line structure, ``<strong>Label:</strong>`` stays a label, and the items of an ``<ol>`` become
numbered lines labelled by their position. HTML entities are decoded by the parser; whitespace
follows HTML's own rule (runs collapse to one space) and nothing more is guessed; comments are
not text. The site's name (``og:site_name``) becomes the first line, as the publisher line of a
text source.

Hostile pages: the size limit of a text source holds whatever the page declares; a declared
encoding is used only if it is one a web page may have (``ENCODINGS``), else the encoding is
detected; the page is walked with explicit stacks, so no depth of nesting recurses.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from pipeline.errors import UnusableInputError
from pipeline.findings import Code
from pipeline.models import Finding
from pipeline.readers.text import (MAX_SOURCE_BYTES, NormalisedText, ReaderHints, check_text, decode, normalise,
                                   read_source_bytes, too_large)

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "dl", "figure"}
CONTAINERS = {"div", "section", "article", "main", "body", "html", "header", "span", "form"}
DROPPED = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button",
           "svg", "iframe", "select", "input"}
_HOLDS_BLOCKS = BLOCKS | {"div", "section"}
_CHROME = re.compile(r"cookie|consent|gdpr|banner|breadcrumb|skip-?link|share|social-?media", re.IGNORECASE)
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_META_CHARSET = re.compile(rb"<meta[^>]{0,1024}?charset\s*=\s*[\"']?\s*([\w.:-]{1,40})", re.IGNORECASE)
_LIST_NUMBER = re.compile(r"[0-9]{1,9}")
"""An ``<ol start>`` or ``<li value>`` read as a number: ASCII digits, at most nine (``start="²"``
or a 30-digit value is ignored, as a browser ignores what it cannot read)."""
WHAT = "a web page"

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


def _string(node: NavigableString) -> str:
    """The text of a string node, whitespace collapsed the HTML way; a comment and the like have none."""
    if isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction, CData)):
        return ""
    return _WHITESPACE.sub(" ", str(node))


def _inline(node: Tag | NavigableString, skipped: frozenset[int] = frozenset()) -> str:
    """The text of inline content, whitespace collapsed the HTML way, ``<br>`` as a line break;
    the elements whose ids are ``skipped`` (lists nested in a list item) are left out."""
    out: list[str] = []
    stack: list[Tag | NavigableString] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, NavigableString):
            out.append(_string(item))
        elif item.name == "br":
            out.append("\n")
        elif item.name not in DROPPED and id(item) not in skipped:
            stack.extend(reversed(item.contents))
    return "".join(out)


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n")


def _number(value: object) -> int | None:
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if _LIST_NUMBER.fullmatch(text) else None


def _children(node: Tag, names: tuple[str, ...]) -> list[Tag]:
    """The child elements of ``node`` with one of ``names`` (``find_all(recursive=False)``, without
    building a filter for every call)."""
    return [child for child in node.contents if isinstance(child, Tag) and child.name in names]


def _list_items(root: Tag) -> list[str]:
    """The lines of a list: "3. …" for an ``<ol>`` item (numbered by position, ``start`` and
    ``value`` honoured), "• …" for a ``<ul>`` item, and "- …" for each item of a list nested in
    an item, at any depth, after that item."""
    lines: list[str] = []
    stack: list[list] = [[root, iter(_children(root, ("li",))), _number(root.get("start")) or 1]]
    while stack:
        frame = stack[-1]
        node, items, position = frame
        item = next(items, None)
        if item is None:
            stack.pop()
            continue
        value = _number(item.get("value"))
        position = value if value is not None else position
        frame[2] = position + 1
        nested = _children(item, ("ul", "ol"))
        text = _clean(_inline(item, frozenset(id(child) for child in nested)))  # not extract(): it walks the subtree
        if len(stack) > 1:
            lines.append(f"- {text}")
        else:
            lines.append(f"{position}. {text}" if node.name == "ol" else f"• {text}")
        for child in reversed(nested):
            stack.append([child, iter(_children(child, ("li",))), 1])
    return lines


def _holding_blocks(root: Tag) -> set[int]:
    """The ids of the elements under ``root`` that have a block element among their descendants,
    found in one pass from the last element back (a descendant comes after its ancestors)."""
    holding: set[int] = set()
    for node in reversed([root, *root.descendants]):
        if isinstance(node, Tag) and any(isinstance(child, Tag) and (child.name in _HOLDS_BLOCKS or id(child) in holding)
                                         for child in node.contents):
            holding.add(id(node))
    return holding


def _blocks(root: Tag) -> list[str]:
    """The blocks of a container, in document order."""
    blocks: list[str] = []
    holding = _holding_blocks(root)

    def flush(inline: list[str]) -> None:
        text = _clean("".join(inline))
        if text:
            blocks.append(text)
        inline.clear()

    stack: list[tuple] = [(iter(root.children), [])]
    while stack:
        children, inline = stack[-1]
        child = next(children, None)
        if child is None:
            flush(inline)
            stack.pop()
            continue
        if isinstance(child, NavigableString):
            inline.append(_string(child))
            continue
        if child.name in DROPPED or _is_chrome(child):
            continue
        if child.name in ("ul", "ol"):
            flush(inline)
            blocks.append("\n".join(_list_items(child)))
        elif child.name in BLOCKS:
            flush(inline)
            text = _clean(_inline(child))
            if text:
                blocks.append(text)
        elif child.name in CONTAINERS and id(child) in holding:
            flush(inline)
            stack.append((iter(child.children), []))
        else:
            inline.append(_inline(child))
    return blocks


def _is_chrome(node: Tag) -> bool:
    marks = " ".join([node.get("id") or "", *(node.get("class") or []), node.get("role") or ""])
    return bool(_CHROME.search(marks)) or node.has_attr("hidden") or node.get("aria-hidden") == "true"


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


def read_html_source(path: Path, data: bytes | None = None, hints: ReaderHints = ReaderHints()) -> NormalisedText:
    """Reads one web page (or its ``data``, already read) into its normalised interim text."""
    markup, encoding = _decode(read_source_bytes(path, MAX_SOURCE_BYTES, WHAT) if data is None else data, path)
    soup = BeautifulSoup(markup, "html.parser")
    root = soup.find("main") or soup.find(attrs={"role": "main"}) or soup.find("article")
    findings: list[Finding] = []
    if root is None:
        root = soup.body or soup
        findings.append(Finding(county_code=None, severity=Code.html_no_main.severity, code=Code.html_no_main,
                                message="the page has no <main> or <article>; read the whole body", evidence=path.name))
    blocks = _blocks(root)
    site = soup.find("meta", attrs={"property": "og:site_name"})
    if site and site.get("content"):
        blocks.insert(0, _clean(_WHITESPACE.sub(" ", site["content"])))
    if not blocks:
        raise UnusableInputError(path, "web page has no text in its main content")
    text, normalise_findings = normalise("\n\n".join(blocks), hints)
    return NormalisedText(text=text, encoding=encoding, findings=tuple(findings) + normalise_findings)
