"""A corpus generated from the seed: N documents with region order, whitespace and names varied,
written as text, web pages or PDFs. The same N and seed always give the same corpus."""

from __future__ import annotations

import random
import re
from pathlib import Path

from generators.renderings import render_html, render_pdf

SEED = Path(__file__).resolve().parent.parent / "raw" / "tillvaxtverket-sa-arbetar-regionerna.txt"
FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Per", "Eva", "Nils", "Sara", "Olof", "Ingrid", "Jonas"]
LAST = ["Lindqvist", "Berg", "Holm", "Sjöberg", "Nyström", "Ek", "Wallin", "Forsberg", "Åberg", "Dahl"]
_HEADING = re.compile(r"(?<=\n\n)(?:Region \w|Västra Götalandsregionen)[^\n]*[^.:\s]$", re.MULTILINE)
"""A region's heading: after a blank line, not ending as a sentence does. Summaries also start with
"Region …" but end with a full stop, and must stay with their region when the regions are shuffled."""
_NAME = re.compile(r"\b(Johan Nilsson|Lena Karlsson|Mikael Källman|Lina Andersson|Sven Winemark|Karin Palmér|"
                   r"Annette Lassinger|Martin Bülow|Lisa Nilsson|Julia Martinsson|Diana Ghinea|Anders Bro)\b")


def variant(text: str, rng: random.Random) -> str:
    """The seed with its regions shuffled, whitespace varied and some contact names changed."""
    starts = [m.start() for m in _HEADING.finditer(text)]
    intro, blocks = text[: starts[0]], [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
    rng.shuffle(blocks)
    names: dict[str, str] = {}
    body = _NAME.sub(lambda m: names.setdefault(m.group(1), f"{rng.choice(FIRST)} {rng.choice(LAST)}"),
                     intro + "".join(block.rstrip("\n") + "\n\n" for block in blocks))
    lines = []
    for line in body.split("\n"):
        if line and rng.random() < 0.05:
            line = line.replace(" ", "  ", 1) + " " * rng.randrange(3)
        lines.append(line)
        if not line and rng.random() < 0.1:
            lines.append("")
    newline = "\r\n" if rng.random() < 0.3 else "\n"
    return newline.join(lines)


def generate(kind: str, n: int, folder: Path, seed: int = 2026) -> Path:
    """Writes N documents of ``kind`` (txt, html, pdf) into ``folder``/``kind``-N; reuses a complete one."""
    target = folder / f"{kind}-{n}"
    marker = target / ".complete"
    if marker.exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    text = SEED.read_text(encoding="utf-8")
    for i in range(n):
        doc = variant(text, rng)
        path = target / f"plan-{i:04d}.{kind}"
        if kind == "txt":
            path.write_bytes(doc.encode("utf-8"))
        elif kind == "html":
            path.write_text(render_html(doc.replace("\r\n", "\n")), encoding="utf-8")
        else:
            render_pdf(doc.replace("\r\n", "\n"), path)
    marker.touch()
    return target
