"""The docs are part of the interface: README commands, Make help, CLI help."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import main
from tests.conftest import ROOT

NOT_RUN_HERE = {
    "make test": "it is the suite this test belongs to",
    "make test-slow": "it is the suite this test belongs to",
    "make bench": "it measures for minutes",
    "make lock": "it re-resolves requirements.lock from the package index",
}
"""README commands the test only checks with `make -n` (they exist and would run), and why."""


def readme_blocks() -> list[list[str]]:
    """The command lines of every ```sh block of the README, block by block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return [[line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
            for block in re.findall(r"^```sh\n(.*?)^```", readme, re.MULTILINE | re.DOTALL)]


def fresh_clone(target: Path) -> Path:
    """The project's files as a clone of the working tree would have them (tracked and new files, not
    ignored ones), committed, with this project's .venv (make builds it when it is missing or stale)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)  # keeps mtimes, as make compares them with the .venv stamp
    (target / ".venv").symlink_to(ROOT / ".venv")
    git = ["git", "-c", "user.name=docs test", "-c", "user.email=docs@test", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "clone"], cwd=target, check=True)
    return target


@pytest.mark.slow
def test_every_readme_command_runs_as_printed_from_a_fresh_clone(tmp_path):
    clone = fresh_clone(tmp_path / "clone")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}  # no venv on PATH until activated
    blocks = readme_blocks()
    assert blocks[0][:2] == ["make extract   # set up .venv (pinned) and extract raw/ into interim/ and output/",
                             "make test      # set up .venv (pinned) and run the tests"]
    commands = [line for block in blocks for line in block]
    assert "frictionless validate output/datapackage.json   # every table against its declared schema and keys" \
        in commands and any(c.startswith("pipeline --version") for c in commands)
    for block in blocks:
        script = ["set -euo pipefail"]
        for line in block:
            command = line.split("#", 1)[0].strip()
            skipped = next((c for c in NOT_RUN_HERE if command == c), None)
            script.append(f"make -n {skipped.split()[1]} >/dev/null" if skipped else command)
        result = subprocess.run(["bash", "-c", "\n".join(script)], cwd=clone, env=env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, (block, result.stdout[-2000:], result.stderr[-2000:])
        if any(line.startswith("pipeline --version") for line in block):
            assert f"pipeline {__version__}\n" in result.stdout
    assert (clone / ".venv" / "bin" / "pipeline").is_file()
    assert (clone / "output" / "export" / "tables.xlsx").is_file()
    assert (clone / "output" / "export" / "csv" / "regions.csv").is_file()
    status = subprocess.run(["git", "status", "--porcelain", "--", "output/json", "output/provenance.json", "docs"],
                            cwd=clone, capture_output=True, text=True)
    assert status.stdout == ""  # the committed output is what a fresh extraction makes

    # Make knows every output: with nothing changed `make extract` runs nothing; without any one
    # generated file it runs the extraction, which brings it back
    def make_extract(*flags: str) -> str:
        result = subprocess.run(["make", *flags, "extract"], cwd=clone, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "pipeline extract" not in make_extract() and "pipeline dictionary" not in make_extract()
    generated = ["output/review/index.html", "output/datapackage.json", "output/parquet/regions.parquet",
                 "output/schema/region.schema.json", "output/provenance.json", "output/checksums.sha256",
                 "output/json/tillvaxtverket-sa-arbetar-regionerna/12-skane.json"]
    for name in generated:
        kept = (clone / name).read_bytes()
        (clone / name).unlink()
        assert ".venv/bin/pipeline extract" in make_extract("-n"), name  # (that it writes them all: test_dictionary)
        (clone / name).write_bytes(kept)
        os.utime(clone / name, ns=((clone / "output/datapackage.json").stat().st_mtime_ns,) * 2)
    (clone / "docs" / "data-dictionary.md").unlink()
    assert "pipeline dictionary" in make_extract() and (clone / "docs" / "data-dictionary.md").is_file()
    assert "pipeline extract" not in make_extract()


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^make \w+", readme, re.MULTILINE)
    assert commands[:2] == ["make extract", "make test"]


def test_every_make_target_has_a_help_line():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = re.search(r"^\.PHONY: (.+)$", makefile, re.MULTILINE).group(1).split()
    for target in phony:
        assert re.search(rf"^{target}:.*## \S", makefile, re.MULTILINE), target


def test_make_alone_prints_help():
    result = subprocess.run(["make", "-s", "-C", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0 and "make extract" in result.stdout and "make test" in result.stdout


def test_every_cli_command_has_help():
    runner = CliRunner()
    assert runner.invoke(main, ["--help"]).exit_code == 0
    assert set(main.commands) == {"extract", "diff", "export", "dictionary", "check-profile"}
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and command.help and command.help.split("\n")[0] in result.output
    assert "--raw-dir" in runner.invoke(main, ["extract", "--help"]).output


def test_raw_readme_names_every_source():
    readme = (ROOT / "raw" / "README.md").read_text(encoding="utf-8")
    for path in (ROOT / "raw").iterdir():
        if path.name != "README.md":
            assert path.name in readme


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output == f"pipeline {__version__}\n"
    from importlib.metadata import version

    assert version("regional-social-enterprise-pipeline") == __version__  # pyproject reads it from the package


@pytest.mark.parametrize("doc", ["README.md", "docs/maintaining.md", "docs/profiles.md"])
def test_docs_name_python_only_inside_the_venv(doc):
    """A fresh shell has no `python` (only `python3`, before .venv exists): every `python -m …` the
    docs print runs the environment's interpreter, `.venv/bin/python`."""
    readme = (ROOT / doc).read_text(encoding="utf-8")
    bare = [m.start() for m in re.finditer(r"(?<![/\w])python -m", readme)]
    assert bare == [], [readme[i - 20:i + 40] for i in bare]


@pytest.mark.parametrize("n", range(3))
def test_the_readmes_analyst_snippets_run_in_the_projects_environment(seed_output, n):
    """The quick start's Python blocks (DuckDB, pandas, polars) run as printed, from a project folder
    after `make extract`, with the environment's interpreter, and print a table."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", readme, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 3
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", blocks[n]], cwd=seed_output.parent,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") >= 3  # a table of results, not an empty one


def test_docs_name_files_by_paths_inside_the_repository():
    listed = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in listed.stdout.split():
        text = (ROOT / name).read_text(encoding="utf-8")
        assert not re.search(r"/work/|\.\./shared|/home/|/tmp/", text), name


def test_the_profile_tutorial_s_profile_loads(tmp_path):
    """The profile written in docs/profiles.md's tutorial is a valid profile as printed."""
    from pipeline import profile as profiles

    guide = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```toml\n(.*?)^```", guide, re.MULTILINE | re.DOTALL) if "heading_before" in b]
    path = tmp_path / "lediga-lokaler.toml"
    path.write_text(block, encoding="utf-8")
    loaded = profiles.load(path)
    assert loaded.regions.unit == "free" and [m.type for m in loaded.metrics] == ["decimal", "money", "date"]
