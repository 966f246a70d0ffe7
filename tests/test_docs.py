"""The docs are part of the interface: README commands, Make help, CLI help."""

from __future__ import annotations

import re
import subprocess

from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import ROOT


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
    assert set(main.commands) == {"extract", "diff"}
    for name, command in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and command.help and command.help.split("\n")[0] in result.output
    assert "--raw-dir" in runner.invoke(main, ["extract", "--help"]).output


def test_raw_readme_names_every_source():
    readme = (ROOT / "raw" / "README.md").read_text(encoding="utf-8")
    for path in (ROOT / "raw").iterdir():
        if path.name != "README.md":
            assert path.name in readme
