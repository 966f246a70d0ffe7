"""Coverage-guided fuzzing with atheris (libFuzzer): bytes into the readers and the whole chain.

``python -m fuzz.atheris_targets NAME [libFuzzer options] [corpus]``. The pipeline's modules are
instrumented on import, so libFuzzer steers by which branches of the readers and parsers an
input reaches. Allowed outcomes: a text, an extraction, or ``UnusableInputError``; anything else
is a crash that libFuzzer saves.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["pipeline"]):
    from pipeline import profile as profiles
    from pipeline.compiled import compile_profile
    from pipeline.errors import UnusableInputError
    from pipeline.stages import SourceInfo, build_extraction
    from pipeline.values.counts import parse_count
    from pipeline.segment.lists import split_items
    from pipeline.readers.html import read_html_source
    from pipeline.readers.text import read_text_source

PROFILE = profiles.default()
COMPILED = compile_profile(PROFILE)
INFO = SourceInfo("doc", "raw/doc.txt", "0" * 64, "text", "utf-8")
SEED = Path(__file__).resolve().parent.parent / "raw" / "tillvaxtverket-sa-arbetar-regionerna.txt"


def _whole_chain(reader, path: Path, data: bytes) -> None:
    """Bytes read by ``reader``, then every later stage; refusal by one line is allowed."""
    try:
        normalised = reader(path, data)
    except UnusableInputError:
        return
    build_extraction(normalised.text, INFO, COMPILED, normalised.findings)


def text_document(data: bytes) -> None:
    _whole_chain(read_text_source, Path("doc.txt"), data)


def web_page(data: bytes) -> None:
    _whole_chain(read_html_source, Path("doc.html"), data)


def count_and_list(data: bytes) -> None:
    """A count line and a list of any characters."""
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    parse_count(text, 0, len(text), COMPILED.values.counts)
    for item in split_items(text, COMPILED.lists):
        assert text[item.start:item.end] == item.text


TARGETS = {"text_document": text_document, "web_page": web_page, "count_and_list": count_and_list}


def main() -> None:
    target = TARGETS[sys.argv[1]]
    corpus = [a for a in sys.argv[2:] if not a.startswith("-")]
    if corpus and not any(Path(corpus[0]).iterdir()):  # start from the real report, not from nothing
        (Path(corpus[0]) / "seed").write_bytes(SEED.read_bytes())
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
