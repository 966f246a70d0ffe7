"""Runs over many documents: parallel = serial, incremental reuse, failures, duplicates, redaction, kills."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.runner import run as runner
from pipeline.redact import pseudonym
from tests.conftest import ROOT, SEED, cli
from generators.renderings import render_html
from tests.test_cli import snapshot

SEED_TEXT = SEED.read_text(encoding="utf-8")


def make_corpus(raw: Path, copies: int = 3) -> None:
    raw.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        edited = SEED_TEXT.replace("Kända sociala företag: 44", f"Kända sociala företag: {44 + n}")
        (raw / f"plan-{n:02d}.txt").write_text(edited, encoding="utf-8")


def test_parallel_run_is_byte_identical_to_serial(tmp_path):
    make_corpus(tmp_path / "raw", 2)
    (tmp_path / "raw" / "webb.html").write_text(render_html(SEED_TEXT.replace("232", "233")), encoding="utf-8")
    for jobs in (1, 2):
        runner.run(tmp_path / "raw", tmp_path / f"interim{jobs}", tmp_path / f"out{jobs}", jobs=jobs)
    assert snapshot(tmp_path / "out1") == snapshot(tmp_path / "out2")


def test_unchanged_documents_are_reused_and_changed_ones_reextracted(tmp_path):
    make_corpus(tmp_path / "raw", 3)
    paths = (tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    assert runner.run(*paths).reextracted == 3
    first = snapshot(tmp_path / "out")
    os.utime(tmp_path / "raw" / "plan-01.txt")  # touched, same bytes
    again = runner.run(*paths)
    assert (again.reextracted, again.reused) == (0, 3)
    assert snapshot(tmp_path / "out") == first
    (tmp_path / "raw" / "plan-01.txt").write_text(SEED_TEXT.replace("Kända sociala företag: 232", "Kända sociala företag: 9"),
                                                  encoding="utf-8")
    changed = runner.run(*paths)
    assert (changed.reextracted, changed.reused) == (1, 2)
    regions = pd.read_parquet(tmp_path / "out" / "parquet" / "regions.parquet")
    assert list(regions[regions.county_code == "14"].known_social_enterprises) == [232, 9, 232]


def test_deleted_interim_is_rebuilt(tmp_path):
    make_corpus(tmp_path / "raw", 1)
    paths = (tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    runner.run(*paths)
    shutil.rmtree(tmp_path / "interim")
    assert runner.run(*paths).reextracted == 1
    assert (tmp_path / "interim" / "plan-00" / "text.txt").exists()


def test_one_bad_document_stops_the_run_and_every_failure_is_named(tmp_path):
    make_corpus(tmp_path / "raw", 2)
    (tmp_path / "raw" / "tom.txt").write_bytes(b"")
    (tmp_path / "raw" / "trasig.pdf").write_bytes(b"%PDF-1.4 trasig")
    with pytest.raises(runner.FailedDocuments) as raised:
        runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    assert [line.split(": ")[0] for line in raised.value.failures] == [
        str(tmp_path / "raw" / "tom.txt"), str(tmp_path / "raw" / "trasig.pdf")]
    assert not (tmp_path / "out").exists() and not (tmp_path / "interim").exists()


def test_keep_going_publishes_the_rest_and_records_the_failure(tmp_path):
    make_corpus(tmp_path / "raw", 2)
    (tmp_path / "raw" / "tom.txt").write_bytes(b"")
    result = cli("extract", "--keep-going", "-q", cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "tom.txt" in result.stderr
    assert len(list((tmp_path / "output" / "json").iterdir())) == 2
    quality = pd.read_parquet(tmp_path / "output" / "parquet" / "quality.parquet")
    errors = quality[quality.severity == "error"]
    assert list(errors.code) == ["unusable_source"] and list(errors.document_id) == ["tom"]


SALT = "s3cret-salt-of-sixteen"


def test_redacted_names_are_stable_pseudonyms(tmp_path):
    make_corpus(tmp_path / "raw", 1)
    for run in ("one", "two"):
        runner.run(tmp_path / "raw", tmp_path / f"interim-{run}", tmp_path / f"out-{run}", redact_salt=SALT)
    assert snapshot(tmp_path / "out-one") == snapshot(tmp_path / "out-two")
    files = snapshot(tmp_path / "out-one") | snapshot(tmp_path / "interim-one")
    for name in ("Kristin Bergwall", "Greta Isaksson", "Anders Bro", "Marie-Louise Lövgren"):
        assert all(name.encode() not in content for content in files.values()), name
    contacts = pd.read_parquet(tmp_path / "out-one" / "parquet" / "contacts.parquet")
    assert len(contacts) == 53
    assert pseudonym("Anders Bro", SALT) in set(contacts.name)
    assert pseudonym("Anders Bro", SALT) != pseudonym("Anders Bro", "other salt")
    former = contacts[contacts.status == "former"]
    assert len(former) == 5


def _wait_for(condition, process: subprocess.Popen, timeout: float = 60) -> bool:
    """Polls until ``condition()`` holds; False when the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.01)
    raise AssertionError("the run neither reached the moment nor ended")


@pytest.mark.slow
def test_a_killed_run_leaves_the_previous_output_intact(tmp_path):
    make_corpus(tmp_path / "raw", 2)
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "pipeline", "extract", "-q", "--jobs", "1"]
    runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "output")
    before = snapshot(tmp_path / "output")
    make_corpus(tmp_path / "raw", 5)  # three more documents to extract

    def parts(n: int):
        return lambda: len(list(tmp_path.glob(".output.staging-*/review/.parts/*.html"))) >= n

    moments = {  # the new output is staged, then written document by document, then swapped in
        "the first documents are written": parts(2),
        "all but the last document are written": parts(4),
    }
    for moment, reached in moments.items():
        process = subprocess.Popen(command, cwd=tmp_path, env=env)
        killed = _wait_for(reached, process)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = snapshot(tmp_path / "output")
        if not killed:  # the run finished first: then it is the complete new output
            assert len(json.loads(after["json/plan-04/document.json"])["region_files"]) == 17, moment
            continue
        assert after == before, moment
        for table in ("regions", "contacts", "mentions"):
            assert len(pd.read_parquet(tmp_path / "output" / "parquet" / f"{table}.parquet")) > 0


def test_a_write_that_fails_on_the_writer_thread_stops_the_run_and_keeps_the_previous_output(tmp_path, monkeypatch):
    from pipeline.publish import writer

    make_corpus(tmp_path / "raw", 2)
    paths = (tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    runner.run(*paths)
    before = snapshot(tmp_path / "out")
    (tmp_path / "raw" / "plan-01.txt").write_text(SEED_TEXT.replace("232", "231"), encoding="utf-8")
    written = writer.write_file

    def disk_full(path, content):
        if path.name.startswith("14-"):
            raise OSError(28, "No space left on device", str(path))
        written(path, content)

    monkeypatch.setattr(writer, "write_file", disk_full)
    with pytest.raises(OSError, match="No space left"):
        runner.run(*paths)
    assert snapshot(tmp_path / "out") == before
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))  # the runs' lock files
    assert left == ["interim", "out", "raw"]  # no staging folder left
    monkeypatch.setattr(writer, "write_file", written)
    runner.run(*paths)
    assert snapshot(tmp_path / "out") != before


def test_checksums_of_files_written_from_memory_match_the_files(tmp_path):
    make_corpus(tmp_path / "raw", 2)
    runner.run(tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    result = subprocess.run(["sha256sum", "--quiet", "-c", "checksums.sha256"], cwd=tmp_path / "out",
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = (tmp_path / "out" / "checksums.sha256").read_text(encoding="utf-8")
    assert listed.count("  json/plan-01/") == 18  # document.json and the 17 region files


def test_an_interim_file_that_cannot_be_written_stops_the_run_and_keeps_the_previous_interim(tmp_path, monkeypatch):
    from pipeline.publish import writer

    make_corpus(tmp_path / "raw", 2)
    paths = (tmp_path / "raw", tmp_path / "interim", tmp_path / "out")
    runner.run(*paths)
    before = snapshot(tmp_path / "interim"), snapshot(tmp_path / "out")
    (tmp_path / "raw" / "plan-00.txt").write_text(SEED_TEXT.replace("232", "231"), encoding="utf-8")
    written = writer.write_file

    def disk_full(path, content):
        if path.name == "sections.json":
            raise OSError(28, "No space left on device", str(path))
        written(path, content)

    monkeypatch.setattr(writer, "write_file", disk_full)
    with pytest.raises(OSError, match="No space left"):
        runner.run(*paths)
    assert (snapshot(tmp_path / "interim"), snapshot(tmp_path / "out")) == before
    assert not [p for p in (tmp_path / "interim").iterdir() if "staging" in p.name]
