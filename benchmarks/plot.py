"""A small SVG of two panels, written by hand (no plotting library): PDF pages per second by engine on
a log scale, and peak memory against the number of documents."""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT = 760, 260
PANEL = 330
"""Width of each panel's plotting area, in pixels."""


def _bars(series: list[tuple[str, float]], left: float) -> list[str]:
    """Horizontal bars, log scale, each labelled with its value."""
    top, bar, gap = 40, 22, 10
    high = math.ceil(math.log10(max(v for _, v in series)))
    low = math.floor(math.log10(min(v for _, v in series)))
    label_width = 150

    def x(value: float) -> float:
        return left + label_width + (math.log10(value) - low) / (high - low) * (PANEL - label_width)

    out = [f'<text x="{left}" y="20" class="title">PDF pages per second (log scale)</text>']
    for power in range(low, high + 1):
        px = x(10 ** power)
        out.append(f'<line x1="{px:.1f}" y1="{top - 6}" x2="{px:.1f}" y2="{top + len(series) * (bar + gap)}" '
                   'class="grid"/>')
        out.append(f'<text x="{px:.1f}" y="{top + len(series) * (bar + gap) + 14}" class="tick">'
                   f'{10 ** power:g}</text>')
    for i, (name, value) in enumerate(series):
        y = top + i * (bar + gap)
        out.append(f'<text x="{left + label_width - 6}" y="{y + bar * 0.7:.1f}" class="label">{escape(name)}</text>')
        out.append(f'<rect x="{x(10 ** low):.1f}" y="{y}" width="{x(value) - x(10 ** low):.1f}" height="{bar}" '
                   f'class="{"reference" if "published" in name else "bar"}"/>')
        out.append(f'<text x="{x(value) + 4:.1f}" y="{y + bar * 0.7:.1f}" class="value">{value:.3g}</text>')
    return out


def _line(points: list[tuple[int, float]], left: float) -> list[str]:
    """Peak memory against N, N on a log scale, memory from zero."""
    top, bottom = 40, HEIGHT - 40
    ns = [n for n, _ in points]
    low, high = math.log10(min(ns)), math.log10(max(ns))
    ceiling = max(m for _, m in points) * 1.25

    def x(n: int) -> float:
        return left + 40 + (math.log10(n) - low) / max(high - low, 1e-9) * (PANEL - 60)

    def y(mib: float) -> float:
        return bottom - mib / ceiling * (bottom - top)

    out = [f'<text x="{left}" y="20" class="title">Peak memory (MiB) against N documents, 2 jobs</text>',
           f'<line x1="{left + 40}" y1="{bottom}" x2="{left + PANEL}" y2="{bottom}" class="axis"/>',
           f'<line x1="{left + 40}" y1="{top}" x2="{left + 40}" y2="{bottom}" class="axis"/>']
    for mib in range(0, int(ceiling) + 1, max(100, int(ceiling / 4) // 100 * 100)):
        out.append(f'<text x="{left + 34}" y="{y(mib) + 4:.1f}" class="label">{mib}</text>')
        out.append(f'<line x1="{left + 40}" y1="{y(mib):.1f}" x2="{left + PANEL}" y2="{y(mib):.1f}" class="grid"/>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{x(n):.1f},{y(m):.1f}" for i, (n, m) in enumerate(points))
    out.append(f'<path d="{path}" class="series"/>')
    for n, m in points:
        out.append(f'<circle cx="{x(n):.1f}" cy="{y(m):.1f}" r="3.5" class="point"/>')
        out.append(f'<text x="{x(n):.1f}" y="{y(m) - 8:.1f}" class="tick">{m:.0f}</text>')
        out.append(f'<text x="{x(n):.1f}" y="{bottom + 14}" class="tick">{n}</text>')
    return out


def svg(pdf: list[tuple[str, float]], memory: list[tuple[int, float]]) -> str:
    """The two panels as one SVG document."""
    body = _bars(pdf, 10) + _line(memory, 10 + PANEL + 80)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">\n'
            "<style>.title{font-weight:bold;font-size:12px}.label{text-anchor:end}.tick{text-anchor:middle;"
            "fill:#444}.value{fill:#222}.grid{stroke:#ddd}.axis{stroke:#888}.bar{fill:#3b6ea5}"
            ".reference{fill:#bbb}.series{fill:none;stroke:#3b6ea5;stroke-width:2}.point{fill:#3b6ea5}</style>\n"
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n")
