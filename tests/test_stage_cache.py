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
