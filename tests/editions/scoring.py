"""Scores an extraction against an edition's hand-written expectations (``FORMAT.md``).

Every expected value is one point; the score is the share of points the pipeline got right. A
wrong value is *flagged* when the region carries a finding at that value's field, and *silent*
otherwise — the outcome the pipeline must never produce. Values and their fields:

- ``title`` (field ``title``): the heading as written (white space compared normalised, as the
  interim text normalises it);
- each count (field: the metric): value, basis and qualifier all right; an ``unreadable`` count is
  right only when its value is null *and* a finding is at the metric;
- each contact (field ``contacts``): the person at that position of the name order has the same
  name, status, role, e-mail and phone; a contact the pipeline found that the expectations do
  not have is a wrong value too;
- each goal and purpose item (fields ``goals``, ``purpose_items``): the label at that position; an
  extra item is a wrong value;
- each partner organisation (field ``partner_organisations``): a mention in a partners section
  whose text is the expected name (or contains it, or lies inside it) and whose kind is right;
- the intro's region claim (document field ``regions_claimed``);
- a region the pipeline did not find: each of its values is wrong, flagged only when the
  document has a finding about regions; a finding whose field is ``region`` (a heading with no
  text) is at every value of its region.

A finding is *at* a field when its ``field`` says so, or when its span lies in the section that
holds the field (a count line, the contact section, …).

- the document's ``title`` and ``publisher`` where the expectations give them (saved web pages:
  the report's own heading and agency, never the site's).

An edition is scored in every form it is held in (``forms``): its source, and a saved web page
printed to PDF (``printed/``).

Run ``python -m tests.editions.scoring [EDITION …]`` for a report of every miss.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import profile as profiles
from pipeline.compiled import compile_profile
from pipeline.models import Extraction, Region
from pipeline.runner.run import extract_text
from pipeline.runner.sources import Source

EDITIONS = Path(__file__).resolve().parent
KIND_OF = {"municipality": "municipality", "county": "county", "region": "region", "county board": "county board"}
FIELD_OF_SECTION = {"partners": "partner_organisations"}
"""Registry kinds the expectations name; every other kind (or none, unregistered) is 'organisation'."""
SECTION_FIELDS = {"contact": "contacts", "partners": "partner_organisations", "goals": "goals",
                  "purpose": "purpose_items", "summary": "title"}
REGION_CODES = {"region_count_mismatch", "no_regions_found", "duplicate_region", "region_heading_without_blank_line"}


@dataclass
class Miss:
    unit: str | None
    """The unit the value belongs to: an edition's region by its county code, a family's unit by its
    title (``tests/families/scoring.py``); None for the document."""
    field: str
    expected: object
    found: object
    flagged: bool


@dataclass
class Score:
    name: str
    """The text scored, and its form."""
    values: int = 0
    right: int = 0
    misses: list[Miss] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.right / self.values if self.values else 1.0

    @property
    def silent(self) -> list[Miss]:
        return [m for m in self.misses if not m.flagged]

    def check(self, ok: bool, unit: str | None, field_name: str, expected: object, found: object,
              flagged: bool) -> None:
        self.values += 1
        if ok:
            self.right += 1
        else:
            self.misses.append(Miss(unit, field_name, expected, found, flagged))


def _norm(text: str | None) -> str | None:
    return None if text is None else " ".join(unicodedata.normalize("NFC", text).split())


PRINTED = "printed"
FORMS = {"txt": "text", "html": "html", "chromium.pdf": "pdf", "closed.chromium.pdf": "pdf", "wkhtmltopdf.pdf": "pdf"}
"""Every form an edition can be held in: its own source (a text or a saved web page) and the web
page printed to PDF by Chromium (header and footer on) or wkhtmltopdf (``printed/``)."""


def form_path(edition: str, form: str, folder: Path = EDITIONS) -> Path:
    return folder / (f"{edition}.{form}" if form in ("txt", "html") else f"{PRINTED}/{edition}.{form}")


def forms(edition: str, folder: Path = EDITIONS) -> list[str]:
    """The forms this edition is held in, its own source first."""
    return [form for form in FORMS if form_path(edition, form, folder).is_file()]


_COMPILED = []


def _compiled():
    """The default profile, compiled once for every edition scored in this process."""
    if not _COMPILED:
        _COMPILED.append(compile_profile(profiles.default()))
    return _COMPILED[0]


def extract(edition: str, folder: Path = EDITIONS, form: str | None = None, pdf_engine: str | None = None
            ) -> Extraction:
    form = form or forms(edition, folder)[0]
    path = form_path(edition, form, folder)
    options = {"pdf_engine": pdf_engine} if pdf_engine else {}
    extraction, _ = extract_text(Source(path, f"raw/{path.name}", edition, FORMS[form]), path.read_bytes(),
                                 _compiled(), **options)
    return extraction


def _fields_with_findings(region: Region) -> set[str]:
    """The fields of a region that carry a finding (by its ``field``, or by where its span lies)."""
    fields: set[str] = set()
    for finding in region.quality:
        explicit = getattr(finding, "field", None)
        if explicit == "region":  # about the whole region: every value of it
            fields |= {"title", "contacts", "partner_organisations", "goals", "purpose_items",
                       *(m for m in region.counts)}
            continue
        if explicit == "mentions" and finding.code.value == "missing_section":  # no partners section at all
            fields.add("partner_organisations")
            continue
        if explicit and explicit != "mentions":
            fields.add(explicit)
            continue
        if finding.start is None:
            continue
        for section in region.sections:
            if section.start <= finding.start <= max(section.end, finding.start) and (
                    finding.start < section.end or finding.start == section.start):
                fields.add(SECTION_FIELDS.get(section.section, section.section))
        for metric, count in region.counts.items():
            if count.start is not None and count.end is not None and finding.start <= count.end and (
                    finding.end or finding.start) >= count.start:
                fields.add(metric)
        if region.heading_start <= finding.start < region.heading_end:
            fields.add("title")
    return fields


def _kind(extraction: Extraction, organisation_id: str) -> str:
    kinds = {o.organisation_id: o.kind for o in extraction.document.organisations}
    return KIND_OF.get(kinds.get(organisation_id) or "", "organisation")


def _score_region(score: Score, expected: dict, region: Region | None, extraction: Extraction,
                  document_flagged: bool) -> None:
    code = expected["county_code"]
    flagged_fields = _fields_with_findings(region) if region is not None else set()

    def check(ok: bool, field_name: str, want: object, got: object) -> None:
        flagged = document_flagged if region is None else field_name in flagged_fields
        score.check(ok, code, field_name, want, got, flagged)

    check(region is not None and _norm(region.title) == _norm(expected["title"]), "title", expected["title"],
          region.title if region else None)
    for metric, want in expected["counts"].items():
        count = region.counts.get(metric) if region else None
        got = None if count is None else {"value": count.value, "basis": count.basis,
                                          "qualifier": getattr(count, "qualifier", None)}
        if want.get("unreadable"):
            ok = got is not None and got["value"] is None and metric in flagged_fields
        else:
            ok = got == {k: want[k] for k in ("value", "basis", "qualifier")}
        check(ok, metric, want, got)
    contacts = list(region.contacts) if region else []
    for n, want in enumerate(expected["contacts"]):
        got_contact = contacts[n] if n < len(contacts) else None
        got = None if got_contact is None else {
            "name": got_contact.name, "status": got_contact.status, "role": got_contact.role,
            "email": getattr(got_contact, "email", None), "phone": getattr(got_contact, "phone", None)}
        want_norm = {k: _norm(v) if isinstance(v, str) else v for k, v in want.items()}
        got_norm = None if got is None else {k: _norm(v) if isinstance(v, str) else v for k, v in got.items()}
        check(got_norm == want_norm, "contacts", want, got)
    for extra in contacts[len(expected["contacts"]):]:
        check(False, "contacts", None, extra.name)
    for name, items in (("goals", region.goals if region else []), ("purpose_items", region.purpose_items if region else [])):
        labels = [item.label for item in items]
        for n, want in enumerate(expected[name]):
            got = labels[n] if n < len(labels) else None
            check(got == want, name, want, got)
        for extra in labels[len(expected[name]):]:
            check(False, name, None, extra)
    partner_sections = [s for s in region.sections if s.section == "partners"] if region else []
    mentions = [m for m in region.mentions if m.section == "partners"] if region else []
    for want in expected["partner_organisations"]:
        name = _norm(want["name"]).casefold()
        candidates = [m for m in mentions if name in _norm(m.surface).casefold() or _norm(m.surface).casefold() in name]
        # the name as written, or in the genitive ("Linköpings och Norrköpings kommuner" names Linköping),
        # before a longer name that holds it ("Linköpings universitet")
        exact = [m for m in candidates if _norm(m.surface).casefold() in (name, name + "s")]
        best = (exact or candidates or [None])[0]
        got = None if best is None else {"surface": best.surface, "kind": _kind(extraction, best.organisation_id)}
        ok = best is not None and got["kind"] == want["kind"] and bool(partner_sections)
        check(ok, "partner_organisations", want, got)


def score(edition: str, expectations: dict | None = None, folder: Path = EDITIONS, form: str | None = None,
          pdf_engine: str | None = None) -> Score:
    """Extracts an edition (in ``form``: its own source when None) and scores it against its expectations."""
    expectations = expectations or json.loads((folder / f"{edition}.expected.json").read_text(encoding="utf-8"))
    extraction = extract(edition, folder, form, pdf_engine)
    result = Score(edition if form is None else f"{edition} ({form})")
    document = extraction.document
    document_flagged = any(f.code.value in REGION_CODES for f in document.quality)
    for name in ("title", "publisher"):  # the report's own heading and its agency, not the site around it
        if name in expectations:
            got = getattr(document, name)
            result.check(_norm(got) == _norm(expectations[name]), None, name, expectations[name], got,
                         any(f.field == name for f in document.quality))
    claimed_ok = (document.regions_claimed, document.regions_claimed_of) == (
        expectations["regions_claimed"], expectations["regions_claimed_of"])
    result.check(claimed_ok, None, "regions_claimed",
                 [expectations["regions_claimed"], expectations["regions_claimed_of"]],
                 [document.regions_claimed, document.regions_claimed_of],
                 any(f.code.value == "intro_claim_not_found" for f in document.quality))
    remaining = list(extraction.regions)
    for expected in expectations["regions"]:
        region = next((r for r in remaining if r.county_code == expected["county_code"]), None)
        if region is not None:
            remaining.remove(region)
        _score_region(result, expected, region, extraction, document_flagged)
    for extra in remaining:
        flagged = any(f.code.value in REGION_CODES for f in (*extra.quality, *document.quality))
        result.check(False, extra.county_code, "region", None, extra.title, flagged)
    return result


def report(scores: list[Score]) -> str:
    lines = []
    for s in scores:
        lines.append(f"{s.name}: {s.right}/{s.values} right ({100 * s.share:.1f} %), "
                     f"{len(s.misses)} wrong, {len(s.silent)} of them silent")
        for miss in s.misses:
            mark = "flagged" if miss.flagged else "SILENT "
            lines.append(f"  {mark} {miss.unit or '--'} {miss.field}: expected {miss.expected!r}, "
                         f"found {miss.found!r}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    editions = argv or sorted(p.name.removesuffix(".expected.json") for p in EDITIONS.glob("*.expected.json"))
    print(report([score(e, form=form) for e in editions for form in forms(e)]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
