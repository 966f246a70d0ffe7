"""The review site's style sheet and script, and the diff page's style sheet, are files of the package
(``pipeline/review/assets/``): the pages embed them byte for byte, they ship as package data, and
Biome (from the npm registry, ``package-lock.json``; ``make test`` installs it with npm ci) lints
them with the rules of ``biome.json``."""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from pipeline.review import diff_page, site
from tests.conftest import ROOT, cli

ASSETS = ROOT / "pipeline" / "review" / "assets"
BIOME = ROOT / "node_modules" / ".bin" / "biome"
REQUIRED = bool(os.environ.get("REQUIRE_BROWSER"))  # CI sets it: every npm tool must be there


def asset(name: str) -> str:
    return (ASSETS / name).read_bytes().decode("utf-8")


def biome(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Runs the installed Biome; without it the test fails in CI and is skipped elsewhere."""
    if not BIOME.is_file():
        if REQUIRED:
            pytest.fail(f"{BIOME} is missing: `make test` installs Biome from package-lock.json (npm ci)")
        pytest.skip("Biome is not installed (make test installs it with npm when npm is there)")
    return subprocess.run([str(BIOME), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_pages_embed_the_asset_files_byte_for_byte(seed_output, tmp_path):
    assert (site.STYLE, site.SCRIPT, diff_page.STYLE) == (asset("review.css"), asset("review.js"), asset("diff.css"))
    page = (seed_output / "review" / "index.html").read_text(encoding="utf-8")
    assert f"<style>{asset('review.css')}</style>" in page
    assert f"<script>{asset('review.js')}</script>" in page
    path = tmp_path / "diff.html"
    assert cli("diff", str(seed_output), str(seed_output), "--html", str(path), cwd=tmp_path).returncode == 0
    assert f"<style>{asset('diff.css')}</style>" in path.read_text(encoding="utf-8")


def test_every_asset_ships_as_package_data():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["pipeline"]
    files = sorted(p.relative_to(ROOT / "pipeline").as_posix() for p in ASSETS.iterdir() if p.is_file())
    assert files == ["review/assets/diff.css", "review/assets/review.css", "review/assets/review.js"]
    assert [f for f in files if not any(fnmatch.fnmatch(f, g) for g in globs)] == []


def test_the_installed_biome_is_the_pinned_one():
    pinned = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["devDependencies"]["@biomejs/biome"]
    result = biome("--version")
    assert result.returncode == 0 and result.stdout.split() == ["Version:", pinned], result.stdout + result.stderr


def test_biome_finds_nothing_in_the_assets():
    result = biome("lint", "--error-on-warnings", "pipeline/review/assets")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"Checked {len(list(ASSETS.iterdir()))} files" in output, output  # biome.json takes in every asset


def test_biome_reports_a_lint_error_in_an_asset(tmp_path):
    """The repository's biome.json, in a copy of the project with a script and a style sheet that
    break its rules: Biome fails, naming each rule."""
    shutil.copy(ROOT / "biome.json", tmp_path / "biome.json")
    folder = tmp_path / "pipeline" / "review" / "assets"
    folder.mkdir(parents=True)
    for name in ("review.css", "review.js", "diff.css"):
        shutil.copy(ASSETS / name, folder / name)
    clean = biome("lint", "--error-on-warnings", "pipeline/review/assets", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    (folder / "review.js").write_text(asset("review.js") + "debugger;\nstep(notDeclaredAnywhere);\n", encoding="utf-8")
    (folder / "review.css").write_text(asset("review.css") + ".x{colr:red}\n", encoding="utf-8")
    result = biome("lint", "--error-on-warnings", "pipeline/review/assets", cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    for rule in ("suspicious/noDebugger", "correctness/noUndeclaredVariables", "correctness/noUnknownProperty"):
        assert f"lint/{rule}" in output, output
