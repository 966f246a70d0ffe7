"""Stage fingerprints come from the code and data each stage really uses."""

from __future__ import annotations

from pipeline.paths import PACKAGE_DIR
from pipeline.runner.fingerprints import closure


def names(module: str) -> set[str]:
    return {path.relative_to(PACKAGE_DIR).as_posix() for path in closure(module)}


def test_the_later_stages_depend_on_their_code_and_the_reference_data_they_name():
    used = names("pipeline.extraction")
    assert {"extraction.py", "values/counts.py", "segment/sections.py", "entities/nlp.py", "entities/resolver.py",
            "models.py", "findings.py", "profile.py", "reference.py", "reference/organisations.csv",
            "reference/counties.csv", "reference/municipalities.csv", "reference/number_words.csv"} <= used
    assert not any(name.startswith(("readers/", "publish/", "review/", "runner/")) for name in used)


def test_a_reader_depends_on_its_own_code_and_imports_no_later_stage():
    for fmt in ("text", "pdf", "html"):
        used = names(f"pipeline.readers.{fmt}")
        assert f"readers/{fmt}.py" in used and "readers/text.py" in used
        assert not any(name.startswith(("segment/", "values/", "entities/", "publish/", "review/", "runner/")) or name == "extraction.py"
                       or name.endswith(".csv") and name != "reference/web_furniture.csv" for name in used), (fmt, used)
    assert "reference/web_furniture.csv" in names("pipeline.readers.html")
    assert "readers/pdf.py" not in names("pipeline.readers.html")
