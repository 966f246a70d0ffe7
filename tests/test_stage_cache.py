"""The stage cache is per stage: a change to a later stage's code re-runs that stage and those
after it, never the reader; the interim files are the next run's real inputs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import orjson

from pipeline import profile as profiles
from pipeline import stages
from pipeline.models import Extraction
from pipeline.runner import cache
from tests.conftest import COMPILED, ROOT, SEED
from generators.renderings import render_pdf

NO_READER = """
import sys
from pipeline.readers import registry

def no_reader(*args, **kwargs):
    raise RuntimeError("the reader ran")

registry.read = no_reader  # the code on disk, and so every stage's key, is unchanged
sys.argv = ["pipeline", *sys.argv[1:]]
from pipeline.cli import main
main()
"""


def _run(code_root: Path, project: Path, *args: str) -> subprocess.CompletedProcess:
    """``pipeline extract`` in a fresh interpreter that imports the pipeline from ``code_root``."""
    return subprocess.run([sys.executable, *args, "extract"], cwd=project, capture_output=True, text=True,
                          env={"PYTHONPATH": str(code_root), "PATH": "/usr/bin:/bin"})


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_change_to_the_values_stages_code_reuses_the_readers_text(tmp_path):
    project = tmp_path / "project"
    (project / "raw").mkdir(parents=True)
    render_pdf(SEED.read_text(encoding="utf-8"), project / "raw" / "rapport.pdf")
    code = tmp_path / "code"
    shutil.copytree(ROOT / "pipeline", code / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    (code / "no_reader.py").write_text(NO_READER, encoding="utf-8")

    first = _run(code, project, "-m", "pipeline")
    assert first.returncode == 0, first.stderr
    assert "stages run: read 1, segment 1, entities 1, values 1, assemble 1" in first.stdout
    kept = _files(project / "interim" / "rapport")
    assert set(kept) == {cache.TEXT, cache.TEXT_META, cache.SECTIONS, cache.EXTRACTION}
    output = _files(project / "output" / "json")

    # the values stage's code changes; the reader is made to fail if it is ever called
    counts = code / "pipeline" / "values" / "counts.py"
    counts.write_text(counts.read_text(encoding="utf-8") + "\n# a comment: the values stage's code changed\n",
                      encoding="utf-8")
    second = _run(code, project, str(code / "no_reader.py"))
    assert second.returncode == 0, second.stderr
    assert "(1 re-extracted, 0 unchanged)" in second.stdout
    assert "stages run: read 0, segment 0, entities 1, values 1, assemble 1" in second.stdout
    after = _files(project / "interim" / "rapport")
    assert after[cache.TEXT] == kept[cache.TEXT] and after[cache.SECTIONS] == kept[cache.SECTIONS]
    assert after[cache.EXTRACTION] != kept[cache.EXTRACTION]  # kept under the values stage's new key
    assert _files(project / "output" / "json") == output

    # the control: without its kept text, the same run must call the reader, and fails
    shutil.rmtree(project / "interim" / "rapport")
    counts.write_text(counts.read_text(encoding="utf-8") + "# changed again\n", encoding="utf-8")
    third = _run(code, project, str(code / "no_reader.py"))
    assert third.returncode == 1 and "the reader ran" in third.stderr


def test_a_change_to_the_segment_stages_code_reruns_it_and_every_stage_after_it(tmp_path, monkeypatch):
    """In one process: the segment stage's key changes as its code would; the text is reused."""
    data = SEED.read_bytes()
    info = stages.SourceInfo("seed", "raw/seed.txt", "0" * 64, "text", "")
    folder = tmp_path / "seed"
    folder.mkdir()
    first = cache.DocumentStore(folder, info.source_sha256, None)
    assert stages.extract(SEED, data, info, COMPILED, first).ran == [
        "read", "segment", "entities", "values", "assemble"]
    for name, content in first.files.items():
        (folder / name).write_bytes(content)

    unchanged = cache.DocumentStore(folder, info.source_sha256, None)
    assert stages.extract(SEED, data, info, COMPILED, unchanged).ran == []

    real = stages.stage_fingerprint
    monkeypatch.setattr(stages, "stage_fingerprint",
                        lambda name, *args, **kwargs: real(name, *args, **kwargs) + ("+" if name == "segment" else ""))
    changed = cache.DocumentStore(folder, info.source_sha256, None)
    walked = stages.extract(SEED, data, info, COMPILED, changed)
    assert walked.ran == ["segment", "entities", "values", "assemble"]
    assert walked.extraction == _kept_extraction(first)


def stages_profile():
    return profiles.default()


def _kept_extraction(store: cache.DocumentStore) -> Extraction:
    data = orjson.loads(store.files[cache.EXTRACTION])["extraction"]
    return Extraction.model_validate({**data, "text": store.files[cache.TEXT].decode("utf-8")})


# --- the keys cover everything a kept artefact depends on (an attack round found these gaps) -------

def test_the_read_key_covers_every_hint_the_readers_are_given():
    from dataclasses import fields

    from pipeline.readers import registry
    from pipeline.readers.text import ReaderHints

    written = registry.hints_fingerprint(COMPILED.hints)
    assert {line.split("=", 1)[0] for line in written.splitlines()} == {f.name for f in fields(ReaderHints)}


def test_a_redacted_text_is_kept_under_its_salt_and_the_redaction_code(monkeypatch):
    from pipeline.redact import salt_fingerprint

    args = ("text", "0" * 64, COMPILED)
    one, other = salt_fingerprint("a-first-salt-of-many-characters"), salt_fingerprint("another-salt-of-many-chars")
    assert len({stages.text_key(*args), stages.text_key(*args, redaction=one), stages.text_key(*args, redaction=other)}) == 3
    before = stages.text_key(*args, redaction=one)
    real = stages.fingerprint
    monkeypatch.setattr(stages, "fingerprint", lambda module, *rest: real(module, *rest) + (
        "+changed" if module == "pipeline.redact" else ""))
    assert stages.text_key(*args, redaction=one) != before  # a fix to the redaction re-reads and re-redacts


def test_a_second_salt_is_what_the_dataset_then_says(tmp_path):
    from pipeline.redact import salt_fingerprint
    from tests.conftest import cli

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "liten.txt").write_text(
        "Tillväxtverket\n\nSå arbetar regionerna\n\nRegion Kalmar stärker sociala företag\n\n"
        "Region Kalmar arbetar i länet.\n\nKända sociala företag: 12\n", encoding="utf-8")  # no person in it
    for salt in ("a-first-salt-of-many-characters", "another-salt-of-many-chars"):
        assert cli("extract", "-q", "--redact-people", "--salt", salt, cwd=tmp_path).returncode == 0
        document = orjson.loads((tmp_path / "output" / "json" / "liten" / "document.json").read_bytes())
        assert document["redaction_salt_fingerprint"] == salt_fingerprint(salt)


def _extracted(tmp_path):
    from tests.conftest import cli

    (tmp_path / "raw").mkdir(exist_ok=True)
    shutil.copy(SEED, tmp_path / "raw" / "rapport.txt")
    first = cli("extract", "-q", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    return tmp_path / "interim" / "rapport"


def test_a_kept_segmentation_that_matches_its_hash_but_names_no_county_is_run_again(tmp_path):
    from tests.conftest import cli

    folder = _extracted(tmp_path)
    kept = orjson.loads((folder / cache.SECTIONS).read_bytes())
    kept["segmentation"]["regions"][0]["county_code"] = "99"
    del kept[cache.HASH_KEY]
    (folder / cache.SECTIONS).write_bytes(orjson.dumps({cache.HASH_KEY: cache.content_hash(kept), **kept}))
    (folder / cache.EXTRACTION).unlink()
    result = cli("extract", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "sections.json: cannot be read back" in result.stderr and "the segment stage runs again" in result.stderr
    assert "stages run: read 0, segment 1" in result.stdout
    first = orjson.loads((tmp_path / "output" / "json" / "rapport" / "document.json").read_bytes())["region_files"][0]
    assert first == "10-blekinge.json"


def test_a_pipe_or_a_link_in_place_of_an_interim_file_is_never_opened(tmp_path):
    import os

    from tests.conftest import cli

    folder = _extracted(tmp_path)
    (folder / cache.SECTIONS).unlink()
    os.mkfifo(folder / cache.SECTIONS)  # reading it would block for ever
    (folder / cache.TEXT).unlink()
    (folder / cache.TEXT).symlink_to("/dev/zero")  # reading it would never end
    result = cli("extract", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "sections.json: is not a regular file; the document is re-extracted" in result.stderr
    assert "text.txt: is not a regular file" in result.stderr


def test_verbose_shows_the_traceback_of_the_document_that_stopped_the_run(tmp_path, monkeypatch):
    from tests.conftest import cli

    (tmp_path / "raw").mkdir()
    shutil.copy(SEED, tmp_path / "raw" / "rapport.txt")

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(stages, "assemble", broken)
    result = cli("extract", "--verbose", "--jobs", "1", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" in result.stderr and "ZeroDivisionError: a bug" in result.stderr
