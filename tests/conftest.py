from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

from pipeline.runner import run as runner
from pipeline.runner.run import extract_document
from pipeline.runner.sources import Source
from pipeline.models import Extraction, Region
from pipeline.compiled import compile_profile
from pipeline.profile import default

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "raw" / "tillvaxtverket-sa-arbetar-regionerna.txt"
PROFILE = default()
COMPILED = compile_profile(PROFILE)
"""The default profile compiled once for the tests, as a run compiles it."""


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives the headless browser is slow too. Slow tests start first: with
    pytest-xdist the longest then overlaps the rest."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def seed() -> Extraction:
    extraction, _ = extract_document(Source(SEED, "raw/" + SEED.name, "seed", "text"), COMPILED)
    return extraction


@pytest.fixture(scope="session")
def seed_output(tmp_path_factory) -> Path:
    """The seed extracted into a temporary project; tests only read it."""
    root = tmp_path_factory.mktemp("seed-project")
    (root / "raw").mkdir()
    shutil.copy(SEED, root / "raw" / SEED.name)
    runner.run(root / "raw", root / "interim", root / "output")
    return root / "output"


@pytest.fixture(scope="session")
def regions(seed: Extraction) -> dict[str, Region]:
    """The seed's regions by county code."""
    return {region.county_code: region for region in seed.regions}


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def cli(*args: str, cwd: Path) -> CliResult:
    """Runs ``python -m pipeline ARGS`` in-process from ``cwd`` (a few tests run the real
    subprocess; the rest save its start-up this way)."""
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)
    return CliResult(result.exit_code, result.stdout, result.stderr)


def run_subprocess_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Runs the real ``python -m pipeline ARGS`` in a subprocess from ``cwd``."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def codes(findings, code: str) -> list:
    return [f for f in findings if f.code == code]


KALMAR = """Region Kalmar stärker sociala företag

Region Kalmar arbetar med att stärka sociala företag i länet.

Kontakt: Eva Berg, PL, regionen

Kända sociala företag: 12

"""
"""A region the seed lacks (Kalmar), written in the seed's form for tests that add a region."""

EVERY_KIND_EDITS = (
    # a count, in the first region (Blekinge)
    ("Kända sociala företag: 44\n", "Kända sociala företag: 47\n"),
    # a region added, right after the first one, so every later region moves down
    ("Region Dalarna utvecklar ledningsarbetet\n", KALMAR + "Region Dalarna utvecklar ledningsarbetet\n"),
    # a goal added (Kronoberg)
    ("6. Ökad kompetens i att driva företag hos de sociala företagen.\n",
     "6. Ökad kompetens i att driva företag hos de sociala företagen.\n"
     "7. Fler sociala företag deltar i offentliga upphandlingar.\n"),
    # a partner organisation removed (Dalarna)
    ("Fornby folkhögskola, Högskolan Dalarna och Samarkand2015", "Fornby folkhögskola och Samarkand2015"),
    # a contact renamed, role and organisation kept (Jämtland Härjedalen)
    ("Jessica Ottosson, Coompanion, PL", "Lina Holm, Coompanion, PL"),
    # a section's text (Stockholm, Tidigare engagemang)
    ("sociala företag har främst gällt", "sociala företag har framför allt gällt"),
    # a summary (Uppsala)
    ("samarbeta med sociala företag och entreprenörer.", "samarbeta med sociala företag och lokala entreprenörer."),
)
"""One edit of every kind a reviewer meets, each (old, new) occurring once in the seed."""


def edited_seed(edits=EVERY_KIND_EDITS) -> str:
    text = SEED.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def extract_text_into(root: Path, text: str) -> Path:
    """Extracts ``text`` as the seed's file in a project folder ``root``; returns its output folder."""
    (root / "raw").mkdir(parents=True, exist_ok=True)
    (root / "raw" / SEED.name).write_text(text, encoding="utf-8")
    runner.run(root / "raw", root / "interim", root / "output")
    return root / "output"


@pytest.fixture(scope="session")
def every_kind_output(tmp_path_factory) -> Path:
    """The seed with EVERY_KIND_EDITS, extracted into a temporary project; tests only read it."""
    return extract_text_into(tmp_path_factory.mktemp("every-kind"), edited_seed())
