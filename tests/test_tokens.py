"""Tokenising with spaCy's cache filled chunk by chunk gives exactly the tokenizer's own tokens, and
those are the bare tokenizer's wherever no run of punctuation or overlong chunk is cut up."""

from __future__ import annotations

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.entities.nlp import Pipeline, analyse
from pipeline.entities.tokens import _LONG, BoundedTokenizer, warm_tokenizer
from tests.conftest import COMPILED, SEED

BARE = spacy.blank("sv")
COLD = BoundedTokenizer(spacy.blank("sv").tokenizer)
"""The bounded tokenizer that is never warmed; its cache is emptied before every use."""


def cold(text: str):
    COLD.inner._flush_cache()
    return COLD(text)


def tokens(doc) -> list[tuple[str, int, str]]:
    return [(t.text, t.idx, t.whitespace_) for t in doc]


def test_the_seed_is_tokenised_as_the_bare_tokenizer_does():
    text = SEED.read_text(encoding="utf-8")
    assert tokens(analyse(text, COMPILED.entities)) == tokens(BARE(text))


PIECES = ["t.ex.", "m.fl.", "bl.a.", "kl.", "ca", "Region", "Skåne", "(ALMI)", "2010.", "1.", "sam-", "e-post",
          "www.tillvaxtverket.se", "anna@almi.se", "50%", "–", ":", ",", ".", "\"", "'", " ", "  ", "\n", "\n\n", "\t",
          "\u00a0", "ÅÄÖ", "osv.", "dvs.", "s.k.", "fr.o.m.", "Kända", "företag:", "64"]
"""Words the Swedish tokenizer splits or keeps whole (abbreviations are its special cases), and spaces."""


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_any_text_is_tokenised_as_the_cold_tokenizer_does(text):
    nlp = COMPILED.entities.pipeline.nlp
    warm_tokenizer(nlp, text)
    assert tokens(nlp.make_doc(text)) == tokens(cold(text))
    if _LONG.search(text) is None:  # runs of punctuation are one token per character, by design
        assert tokens(cold(text)) == tokens(BARE(text))


def test_a_chunk_warmed_in_an_earlier_document_is_tokenised_the_same_in_another_context():
    nlp = COMPILED.entities.pipeline.nlp
    warm_tokenizer(nlp, "Kontakt: t.ex. (ALMI), bl.a. Coompanion.")
    text = "Samverkanspartners: (ALMI), t.ex. Coompanion. bl.a."
    warm_tokenizer(nlp, text)
    assert tokens(nlp.make_doc(text)) == tokens(cold(text)) == tokens(BARE(text))


def test_the_text_that_cuts_a_punctuation_run_still_keeps_every_character():
    text = "t.ex.––––––(ALMI)"  # eight punctuation marks in one chunk: cut into one token per mark
    nlp = COMPILED.entities.pipeline.nlp
    warm_tokenizer(nlp, text)
    doc = nlp.make_doc(text)
    assert doc.text == text and [t.text for t in doc][-2:] == ["ALMI", ")"]


def test_the_pipeline_is_built_afresh_once_its_vocabulary_has_grown_past_the_bound(monkeypatch):
    from pipeline.entities import nlp as nlp_module

    pipeline = Pipeline(COMPILED.entities.registry)
    built = pipeline.nlp
    pipeline.bound()
    assert pipeline.nlp is built  # a few new strings are kept
    monkeypatch.setattr(nlp_module, "VOCABULARY_GROWTH", 10)
    built("Nya ord som vokabulären inte har sett: Qwertyuiop, Asdfghjkl, Zxcvbnm, Poiuytrewq, Lkjhgfdsa.")
    pipeline.bound()
    assert pipeline.nlp is not built
