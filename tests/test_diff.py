"""The diff command: field-level changes, stable keys, exit codes, folders and git revisions."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pipeline.runner import run as runner
from pipeline.publish.diff import load_folder, load_revision, report, word_diff
from tests.conftest import SEED, cli

SEED_TEXT = SEED.read_text(encoding="utf-8")


def extracted(tmp_path: Path, name: str, text: str) -> Path:
    raw = tmp_path / name / "raw"
    raw.mkdir(parents=True)
    (raw / SEED.name).write_text(text, encoding="utf-8")
    runner.run(raw, tmp_path / name / "interim", tmp_path / name / "output")
    return tmp_path / name / "output"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return extracted(tmp_path_factory.mktemp("diff"), "base", SEED_TEXT)


def test_identical_extractions_have_no_changes(base):
    text, changed = report(load_folder(base), load_folder(base / "json"))
    assert not changed and text.endswith("No changes.\n")


def test_count_contact_goal_organisation_and_finding_changes(base, tmp_path):
    edited = (SEED_TEXT.replace("Kända sociala företag: 232", "Kända sociala företag: 233")
              .replace("Kristin Bergwall (fd Greta Isaksson), PL, regionen", "Kristin Bergwall, PL, regionen")
              .replace("Diana Ghinea, Coompanion", "Diana Ghinea, Coompanion\nNy Person, ALMI")
              .replace("2. Ta fram en arbetsmetod", "2. Ta fram en enkel arbetsmetod")
              .replace("17 (Coomp,", "15 (Coomp,"))
    text, changed = report(load_folder(base), load_folder(extracted(tmp_path, "new", edited)))
    assert changed
    assert "### 14 Västra Götalands län (Västra Götalandsregionen)" in text
    assert "- **known_social_enterprises**: 232 (stated) → 233 (stated)" in text
    assert "- contact added: Ny Person (no role, almi, current)" in text
    assert "- contact removed: Greta Isaksson" in text
    assert "- goal 2. reworded: Ta fram en **enkel** arbetsmetod" in text
    assert "- **business_promoters**: 17 (stated) → 15 (stated)" in text
    assert "- finding resolved: warning `count_list_mismatch`" in text
    assert "- organisation gained: almi (Almi Företagspartner)" in text
    assert "### 20 Dalarnas län" not in text  # untouched regions are not listed


def test_reordered_regions_are_not_a_change(base, tmp_path):
    blekinge = SEED_TEXT[SEED_TEXT.index("Region Blekinge sprider"):SEED_TEXT.index("Region Dalarna utvecklar")]
    reordered = SEED_TEXT.replace(blekinge, "").replace("Region Östergötland utvecklar stödsystem genom samverkan\n",
                                                       blekinge + "Region Östergötland utvecklar stödsystem genom samverkan\n")
    text, changed = report(load_folder(base), load_folder(extracted(tmp_path, "moved", reordered)))
    assert not changed, text


def test_region_disappears(base, tmp_path):
    start, end = SEED_TEXT.index("Region Uppsala arbetar"), SEED_TEXT.index("Region Västerbotten arbetar")
    text, changed = report(load_folder(base), load_folder(extracted(tmp_path, "less", SEED_TEXT[:start] + SEED_TEXT[end:])))
    assert changed and "- region disappeared: 03 Uppsala län" in text
    assert "- document regions_found: 17 → 16" in text
    assert "- finding new: warning `region_count_mismatch`" in text


def test_word_diff():
    assert word_diff("a b c d", "a x c d e") == "a ~~b~~ **x** c d **e**"


def test_git_revisions_are_read(base, tmp_path):
    repository = tmp_path / "repo"
    (repository / "output").mkdir(parents=True)
    subprocess.run(["cp", "-r", str(base / "json"), str(repository / "output")], check=True)
    git = ["git", "-C", str(repository), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    assert report(load_revision("HEAD", repository), load_folder(base))[1] is False


@pytest.mark.parametrize("args, status", [(["BASE", "BASE"], 0), (["BASE", "nowhere"], 2)])
def test_exit_codes(base, args, status):
    args = [str(base) if a == "BASE" else a for a in args]
    result = cli("diff", *args, cwd=base)
    assert result.returncode == status
    if status == 2:
        assert result.stderr.count("\n") == 1 and re.match(r"error: nowhere: ", result.stderr)
