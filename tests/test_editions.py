"""Next editions written by an author who never read the parser (tests/editions): at least 98 % of
their hand-read values right, and every wrong value carrying a finding at its region and field."""

from __future__ import annotations

import pytest

from tests.editions.scoring import EDITIONS, forms, report, score

NAMES = sorted(p.name.removesuffix(".expected.json") for p in EDITIONS.glob("*.expected.json"))
FORMS = [(name, form) for name in NAMES for form in forms(name)]
"""Every edition in every form it is held in: text, saved web page, printed PDF."""


def test_there_are_editions_to_score():
    assert len(NAMES) >= 2


BELOW_TARGET: dict[str, str] = {
    "site-c (closed.chromium.pdf)": "printed with its accordions closed, as saved: the PDF holds only 2 of the 18 "
                                    "regions' text (the other 16 are headings alone), so their values are not in it; "
                                    "every one of them is flagged (region_without_sections at each region)",
}
"""Editions, by "name (form)", whose share of right values is below 98 %, and why; each must still
have no silent miss."""


@pytest.mark.parametrize(("edition", "form"), FORMS)
def test_next_edition_has_no_silent_wrong_value(edition, form):
    result = score(edition, form=form)
    assert result.values > 300  # every region's counts, contacts, goals, items and partners
    assert result.silent == [], report([result])


@pytest.mark.parametrize(("edition", "form"), [
    pytest.param(name, form, marks=pytest.mark.xfail(reason=BELOW_TARGET[f"{name} ({form})"], strict=True))
    if f"{name} ({form})" in BELOW_TARGET else (name, form) for name, form in FORMS])
def test_next_edition_is_read_right(edition, form):
    result = score(edition, form=form)
    assert result.share >= 0.98, report([result])
