"""Stage fingerprints come from the code and data each stage really uses."""

from __future__ import annotations

from pipeline.paths import PACKAGE_DIR
from pipeline.fingerprints import closure


def names(module: str) -> set[str]:
    return {path.relative_to(PACKAGE_DIR).as_posix() for path in closure(module)}


def test_each_later_stage_depends_on_its_own_code_and_the_reference_data_it_names():
    segment = names("pipeline.segment.sections")
    assert {"segment/sections.py", "models.py", "findings.py", "profile.py", "reference.py",
            "reference/counties.csv"} <= segment
    entities = names("pipeline.entities.mentions")
    assert {"entities/nlp.py", "entities/resolver.py", "reference/organisations.csv",
            "reference/municipalities.csv"} <= entities
    values = names("pipeline.values.stage")
    assert {"values/counts.py", "values/contacts.py", "values/items.py", "values/intro.py",
            "reference/number_words.csv"} <= values
    for used in (segment, entities, values, names("pipeline.assemble")):
        assert not any(name.startswith(("readers/", "publish/", "review/", "runner/")) or name == "stages.py"
                       for name in used)
    assert not any(name.startswith(("entities/", "values/")) for name in segment)  # a values change keeps it


def test_a_reader_depends_on_its_own_code_and_imports_no_later_stage():
    for fmt in ("text", "pdf", "html"):
        used = names(f"pipeline.readers.{fmt}")
        assert f"readers/{fmt}.py" in used and "readers/text.py" in used
        assert not any(name.startswith(("segment/", "values/", "entities/", "publish/", "review/", "runner/")) or name == "stages.py"
                       or name.endswith(".csv") and name != "reference/web_furniture.csv" for name in used), (fmt, used)
    assert "reference/web_furniture.csv" in names("pipeline.readers.html")
    assert "readers/pdf.py" not in names("pipeline.readers.html")
