"""Prints every saved-web-page edition (``site-*.html``) to PDF the ways users do, into
``tests/editions/printed/``. A maintainer's script, not part of the tests: the PDFs are committed,
so the tests read exactly what a user's browser gave, whatever browser this machine has.

- ``<name>.chromium.pdf``: headless Chromium's "Print to PDF" with its header and footer on (date
  and time, page title, the file's address, "2/14"), as a user prints from the browser;
- ``<name>.wkhtmltopdf.pdf``: wkhtmltopdf (QtWebKit, another layout engine), default settings.

A page whose regions are accordions (``<details>``) is printed by Chromium with them open, as a
user opens them before printing (``<name>.chromium.pdf``), and as saved, closed
(``<name>.closed.chromium.pdf``): a closed accordion prints its heading only, so that PDF lacks
most of the report, and the test asks only that every value it lacks is flagged.

Each page is printed from a copy in a folder named as a user's downloads would be (so the
address in the footer has spaces and å/ä/ö), with its assets folder beside it when it has one.

    python -m tests.editions.print_editions        # needs chromium and wkhtmltopdf (Debian packages)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EDITIONS = Path(__file__).resolve().parent
PRINTED = EDITIONS / "printed"
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--lang=sv-SE"]


def print_edition(page: Path, folder: Path) -> list[Path]:
    saved = folder / "Hämtade filer" / "Så arbetar regionerna.html"
    saved.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(page, saved)
    assets = page.with_name(f"{page.stem}_files")
    if assets.is_dir():
        shutil.copytree(assets, saved.parent / assets.name, dirs_exist_ok=True)
    PRINTED.mkdir(exist_ok=True)
    chromium, webkit = PRINTED / f"{page.stem}.chromium.pdf", PRINTED / f"{page.stem}.wkhtmltopdf.pdf"
    printed = []
    html = saved.read_text(encoding="utf-8")
    if "<details" in html:
        closed = PRINTED / f"{page.stem}.closed.chromium.pdf"
        subprocess.run([*CHROMIUM, f"--print-to-pdf={closed}", saved.as_uri()], check=True, capture_output=True)
        printed.append(closed)
        saved.write_text(re.sub(r"<details(?![^>]*\bopen\b)", "<details open", html), encoding="utf-8")
    subprocess.run([*CHROMIUM, f"--print-to-pdf={chromium}", saved.as_uri()], check=True, capture_output=True)
    # wkhtmltopdf exits 1 when a page links to a host it cannot reach (this machine has no network);
    # the PDF is written all the same
    subprocess.run(["wkhtmltopdf", "--quiet", "--load-error-handling", "ignore", "--load-media-error-handling",
                    "ignore", str(saved), str(webkit)], capture_output=True)
    if not webkit.is_file():
        raise SystemExit(f"wkhtmltopdf wrote nothing for {page.name}")
    return [*printed, chromium, webkit]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        for page in sorted(EDITIONS.glob("site-*.html")):
            for pdf in print_edition(page, Path(folder)):
                print(pdf.relative_to(EDITIONS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
