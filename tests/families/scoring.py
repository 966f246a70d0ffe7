"""Scores an extraction of a sibling report family against its hand-written answer key.

Each family's folder (``tests/families/<profile id>/``) holds test texts ``<name>.txt`` and their
keys ``<name>.expected.json``, written by reading the text (never by running the pipeline). Every
expected value is one point:

- a unit's ``title`` (the heading as written), its ``county_codes`` and ``municipality_codes``;
- each value of ``values``: a number (``value``, compared to 9 significant digits) with its
  ``qualifier`` and ``raw`` text; a date; a period's ``start`` and ``end``. A ``none`` value is
  right when the pipeline gives none; an ``unreadable`` one only when it gives none *and* reports a
  finding at that metric;
- each item section's labels, in order (an extra item is a wrong value too); each contact's name.

A wrong value is *flagged* when the unit has a finding at that field, and *silent* otherwise (the
outcome that must never happen). Run ``python -m tests.families.scoring`` for every miss.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from pipeline import profile as profiles
from pipeline.compiled import compile_profile
from pipeline.models import Extraction, Measure, Region
from pipeline.paths import PROFILES_DIR
from pipeline.runner.run import extract_text
from pipeline.runner.sources import Source
from tests.editions.scoring import Score

FAMILIES = Path(__file__).resolve().parent


def texts(family: str) -> list[Path]:
    """A family's test texts: the ones written with the profile, then ``unseen/``, written later by an
    author who saw neither the profile nor the other texts (scored before any change they led to)."""
    folders = (FAMILIES / family, FAMILIES / family / "unseen")
    return [path for folder in folders for path in sorted([*folder.glob("*.txt"), *folder.glob("*.html")])]


def forms_of(path: Path) -> tuple[str, ...]:
    """The forms a text is scored in: a text in every form; a saved web page as it is."""
    return FORMS if path.suffix == ".txt" else ("html",)


_COMPILED: dict[str, object] = {}


def compiled(family: str):
    if family not in _COMPILED:
        _COMPILED[family] = compile_profile(profiles.load(PROFILES_DIR / f"{family}.toml"))
    return _COMPILED[family]


FORMS = ("text", "html", "pdf")
"""Every form a user holds a text in: as written, as a saved web page, as a printed PDF
(``generators/renderings``)."""


def extract(path: Path, family: str, form: str = "text") -> Extraction:
    data = path.read_bytes()
    if path.suffix == ".html":  # a saved web page: read as it is
        source = Source(path, f"raw/{path.name}", path.stem, "html")
        return extract_text(source, data, compiled(family))[0]
    if form == "html":
        from generators.renderings import render_html

        data = render_html(data.decode("utf-8")).encode("utf-8")
    elif form == "pdf":
        import tempfile

        from generators.renderings import render_pdf

        with tempfile.TemporaryDirectory() as scratch:
            pdf = Path(scratch) / f"{path.stem}.pdf"
            render_pdf(path.read_text(encoding="utf-8"), pdf)
            data = pdf.read_bytes()
    suffix = {"text": ".txt", "html": ".html", "pdf": ".pdf"}[form]
    source = Source(path.with_suffix(suffix), f"raw/{path.stem}{suffix}", path.stem, form)  # type: ignore[arg-type]
    extraction, _ = extract_text(source, data, compiled(family))
    return extraction


def _flagged(region: Region | None, name: str) -> bool:
    return region is not None and any(f.field == name for f in region.quality)


def _same_number(want: float, got: float | None) -> bool:
    return got is not None and math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-12)


def _value_right(want: dict, got, region: Region, metric: str) -> bool:
    if got is None:
        return False
    if want.get("unreadable"):
        return got.basis == "none" and _flagged(region, metric)
    if want.get("none"):
        return got.basis == "none"
    if "start" in want or "end" in want:
        return isinstance(got, Measure) and (got.period_start, got.period_end) == (want["start"], want["end"])
    if isinstance(want.get("value"), str):
        return isinstance(got, Measure) and got.date == want["value"]
    ok = _same_number(float(want["value"]), got.value) and got.qualifier == want.get("qualifier", "exact")
    if "raw" in want and want["raw"] is not None:
        ok = ok and " ".join((got.raw or "").split()) == " ".join(want["raw"].split())
    if "unit_raw" in want:
        ok = ok and isinstance(got, Measure) and got.unit_raw == want["unit_raw"]
    return ok


def score(path: Path, family: str, form: str = "text") -> Score:
    expected = json.loads(path.with_suffix("").with_suffix(".expected.json").read_text(encoding="utf-8"))
    extraction = extract(path, family, form)
    result = Score(f"{path.name} ({form})")
    found = list(extraction.regions)
    document_flagged = any(f.field in ("regions", "title") for f in extraction.document.quality)

    def check(ok: bool, unit: str, name: str, want: object, got: object, region: Region | None) -> None:
        result.check(ok, unit, name, want, got, _flagged(region, name) or (region is None and document_flagged))

    for key in ("title", "publisher"):  # the report's own, however its lines are run together
        if key in expected:
            got = getattr(extraction.document, key)
            check(got is not None and (got == expected[key] or got.startswith(expected[key] + " ")), "document", key,
                  expected[key], got, None)
    for n, unit in enumerate(expected["units"]):
        region = found[n] if n < len(found) else None
        title = unit["title"]
        check(region is not None and " ".join(region.title.split()) == " ".join(title.split()), title, "title",
              title, region.title if region else None, region)
        if "county_codes" in unit:
            got = _county_codes(region)
            check(got == unit["county_codes"], title, "county_codes", unit["county_codes"], got, region)
        if "municipality_codes" in unit:
            got = list(getattr(region, "municipality_codes", []) or []) if region else None
            check(got == unit["municipality_codes"], title, "municipality_codes", unit["municipality_codes"], got,
                  region)
        for metric, want in unit.get("values", {}).items():
            got = region.counts.get(metric) if region else None
            check(region is not None and _value_right(want, got, region, metric), title, metric, want,
                  got.model_dump(exclude={"start", "end"}) if got is not None else None, region)
        for section, labels in unit.get("items", {}).items():
            got_labels = [i.label for i in region.items if i.section == section] if region else []
            for n in range(max(len(labels), len(got_labels))):
                want = labels[n] if n < len(labels) else "(none)"
                got = got_labels[n] if n < len(got_labels) else "(none)"
                check(want == got, title, "items", f"{section} {n + 1}: {want}", got, region)
        if "contacts" in unit:
            names = [c.name for c in region.contacts] if region else []
            for n in range(max(len(unit["contacts"]), len(names))):
                want = unit["contacts"][n] if n < len(unit["contacts"]) else "(none)"
                got = names[n] if n < len(names) else "(none)"
                check(want == got, title, "contacts", want, got, region)
    for extra in found[len(expected["units"]):]:
        check(False, extra.title, "title", None, extra.title, extra)
    return result


def _county_codes(region: Region | None) -> list[str] | None:
    if region is None:
        return None
    codes = getattr(region, "county_codes", None)
    return list(codes) if codes else [region.county_code]


def main(argv: list[str]) -> int:
    families = argv or sorted(p.name for p in FAMILIES.iterdir() if p.is_dir() and not p.name.startswith("_"))
    for family in families:
        for path, form in ((p, f) for p in texts(family) for f in forms_of(p)):
            result = score(path, family, form)
            print(f"{family}/{path.parent.name + '/' if path.parent.name == 'unseen' else ''}{result.name}: {result.right}/{result.values} = {result.share:.1%}, "
                  f"silent wrong {len(result.silent)}")
            for miss in result.misses:
                print(f"  {'flagged' if miss.flagged else 'SILENT '} {miss.unit} {miss.field}: expected "
                      f"{miss.expected!r}, found {miss.found!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
