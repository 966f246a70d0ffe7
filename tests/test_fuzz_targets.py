"""The fuzz targets of ``make fuzz`` (fuzz/targets.py), a few examples each: the properties hold and
the harness keeps working. ``make fuzz`` runs them for minutes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from fuzz.targets import TARGETS


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzz_target_holds_on_a_few_examples(name):
    settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))(TARGETS[name])()


def test_split_reference_is_the_old_splitter():
    """The reference the linear splitter is compared with splits as documented."""
    from fuzz.targets import _split_reference
    from pipeline.segment.lists import _COMMA

    text = "A, B (C, D), E"
    assert [text[a:b] for a, b in _split_reference(text, 0, len(text), _COMMA)] == ["A", " B (C, D)", " E"]
