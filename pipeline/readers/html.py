"""Reader for web pages: the main content becomes the same normalised interim text as a text source.

Only ``<main>`` (or ``[role=main]``, ``<article>``) is read; navigation, cookie banners, headers,
footers, scripts and asides are dropped. Headings and paragraphs become blocks, ``<br>`` keeps
line structure, ``<strong>Label:</strong>`` stays a label, and the items of an ``<ol>`` become
numbered lines labelled by their position. HTML entities are decoded by the parser; whitespace
follows HTML's own rule (runs collapse to one space) and nothing more is guessed. The site's name
(``og:site_name``) becomes the first line, as the publisher line of a text source.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from pipeline.errors import UnusableInputError
from pipeline.findings import Code
from pipeline.models import Finding
from pipeline.readers.text import NormalisedText, ReaderHints, decode, normalise, read_source_bytes

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "dl", "figure"}
CONTAINERS = {"div", "section", "article", "main", "body", "html", "header", "span", "form"}
DROPPED = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button",
           "svg", "iframe", "select", "input"}
_CHROME = re.compile(r"cookie|consent|gdpr|banner|breadcrumb|skip-?link|share|social-?media", re.IGNORECASE)
_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.IGNORECASE)


def _inline(node: Tag | NavigableString) -> str:
    """The text of inline content, whitespace collapsed the HTML way, ``<br>`` as a line break."""
    if isinstance(node, NavigableString):
        return _WHITESPACE.sub(" ", str(node))
    if node.name == "br":
        return "\n"
    if node.name in DROPPED:
        return ""
    return "".join(_inline(child) for child in node.children)


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n")


def _list_items(node: Tag) -> list[str]:
    lines = []
    position = int(node.get("start", 1)) if str(node.get("start", "1")).isdigit() else 1
    for item in node.find_all("li", recursive=False):
        if str(item.get("value", "")).isdigit():
            position = int(item["value"])
        nested = [child for child in item.find_all(["ul", "ol"], recursive=False)]
        for child in nested:
            child.extract()
        text = _clean(_inline(item))
        lines.append(f"{position}. {text}" if node.name == "ol" else f"• {text}")
        for child in nested:
            lines.extend(f"- {line.lstrip('•0123456789. ')}" for line in _list_items(child))
        position += 1
    return lines


def _blocks(node: Tag) -> list[str]:
    """The blocks of a container, in document order."""
    blocks: list[str] = []
    inline: list[str] = []

    def flush() -> None:
        text = _clean("".join(inline))
        if text:
            blocks.append(text)
        inline.clear()

    for child in node.children:
        if isinstance(child, NavigableString):
            inline.append(_inline(child))
            continue
        if child.name in DROPPED or _is_chrome(child):
            continue
        if child.name in ("ul", "ol"):
            flush()
            blocks.append("\n".join(_list_items(child)))
        elif child.name in BLOCKS:
            flush()
            text = _clean(_inline(child))
            if text:
                blocks.append(text)
        elif child.name in CONTAINERS and child.find(list(BLOCKS) + ["div", "section"]) is not None:
            flush()
            blocks.extend(_blocks(child))
        else:
            inline.append(_inline(child))
    flush()
    return blocks


def _is_chrome(node: Tag) -> bool:
    marks = " ".join([node.get("id") or "", *(node.get("class") or []), node.get("role") or ""])
    return bool(_CHROME.search(marks)) or node.has_attr("hidden") or node.get("aria-hidden") == "true"


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass  # the declaration is wrong: detect instead
    return decode(data, path)


def read_html_source(path: Path, data: bytes | None = None, hints: ReaderHints = ReaderHints()) -> NormalisedText:
    """Reads one web page (or its ``data``, already read) into its normalised interim text."""
    markup, encoding = _decode(read_source_bytes(path) if data is None else data, path)
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
