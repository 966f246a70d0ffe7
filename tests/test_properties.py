"""Property tests: normalisers are idempotent and no text makes a stage raise."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.values.counts import parse_count
from pipeline.errors import UnusableInputError
from pipeline.values.items import parse_items
from pipeline.segment.lists import split_items
from pipeline.entities.resolver import Resolver
from pipeline.stages import SourceInfo, build_extraction
from pipeline.readers.text import decode, normalise
from tests.conftest import COMPILED, PROFILE, SEED

SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")
INFO = SourceInfo("doc", "raw/doc.txt", "0" * 64, "text", "utf-8")
RESOLVER = Resolver(PROFILE)
swedish_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
labelled_text = st.lists(
    st.sampled_from(SEED_LINES[20:120] + ["", "Region Skåne bygger", "Mål:", "1.", "Kontakt:", "(fd", ")", "- x"]),
    max_size=60,
).map("\n".join)


@given(swedish_text)
def test_normalise_is_idempotent(text):
    once, _ = normalise(text)
    assert normalise(once)[0] == once


@given(st.binary(max_size=300))
def test_decode_never_raises_anything_but_unusable_input(data):
    try:
        decode(data, "x.txt")
    except UnusableInputError as exc:
        assert "x.txt" in str(exc)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(swedish_text, labelled_text))
def test_whole_pipeline_never_raises_on_arbitrary_text(text):
    normalised, findings = normalise(text)
    extraction = build_extraction(normalised, INFO, COMPILED, findings)  # validates the span invariant itself
    for region in extraction.regions:
        for mention in region.mentions:
            assert normalised[mention.start : mention.end] == mention.surface


@settings(deadline=None, max_examples=10)
@given(st.data())
def test_seed_with_lines_deleted_duplicated_or_swapped(data):
    lines = list(SEED_LINES)
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    for _ in range(data.draw(st.integers(1, 25))):
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        operation = rng.choice(("delete", "duplicate", "swap", "misspell"))
        if operation == "delete":
            del lines[i]
        elif operation == "duplicate":
            lines.insert(j, lines[i])
        elif operation == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif ":" in lines[i]:
            k = rng.randrange(lines[i].index(":") + 1)
            lines[i] = lines[i][:k] + lines[i][k + 1 :]
    normalised, findings = normalise("\n".join(lines))
    build_extraction(normalised, INFO, COMPILED, findings)


@given(swedish_text)
def test_count_parser_and_list_splitter_never_raise(text):
    parsed = parse_count(text, 0, len(text), COMPILED.values.counts, RESOLVER.is_known)
    assert parsed.value is None or parsed.value >= 0
    for item in split_items(text, COMPILED.lists):
        assert text[item.start : item.end] == item.text


@given(swedish_text)
def test_goal_parser_spans_slice_the_text(text):
    for kind in ("goals", "purpose"):
        for entry in parse_items(text, 0, len(text), kind):
            assert text[entry.start : entry.end] == entry.text


@given(st.text(max_size=60))
def test_resolving_a_name_is_stable(name):
    first = RESOLVER.resolve(name)
    assert RESOLVER.resolve(name).organisation_id == first.organisation_id
    assert RESOLVER.resolve(first.organisation.name).organisation_id == first.organisation_id
