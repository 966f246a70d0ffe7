"""Command line: ``python -m pipeline extract``. Errors become one line on stderr and an exit code."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

import click

from pipeline import profile as profiles
from pipeline.errors import ConfigurationError, PipelineError, one_line, shown
from pipeline.publish import diff as diff_stage
from pipeline.redact import check_salt
from pipeline.runner import run as runner

EXIT_INPUT_ERROR = 1
EXIT_INTERNAL_ERROR = 3
EXIT_DIFF_ERROR = 2
PROGRESS_FROM = 5
"""Fewer documents than this finish before a progress line would help."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Turn Swedish regional social-enterprise reports into a validated dataset."""


def _fail(exc: PipelineError) -> None:
    for line in str(exc).split("\n") if str(exc) else [type(exc).__name__]:
        click.echo(f"error: {one_line(line)}", err=True)
    sys.exit(EXIT_INPUT_ERROR)


def _salt(ctx: click.Context, redact_people: bool, salt: str | None, salt_file: Path | None) -> str | None:
    """The redaction salt, or None without --redact-people; a salt given for nothing is an error."""
    given_here = ctx.get_parameter_source("salt") == click.core.ParameterSource.COMMANDLINE
    if not redact_people:
        if given_here or salt_file is not None:
            raise ConfigurationError("--salt and --salt-file are used only with --redact-people; nothing was done")
        return None  # PIPELINE_REDACT_SALT in the environment is a standing setting, not a request
    if salt_file is not None:
        if given_here:
            raise ConfigurationError("give the salt once: --salt or --salt-file, not both")
        try:
            lines = salt_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{shown(salt_file)}: cannot read the salt file "
                                     f"({getattr(exc, 'strerror', None) or exc})") from exc
        salt = lines[0].strip() if lines else ""
    return check_salt(salt)


def _progress(quiet: bool) -> Callable[[int, int, str], None] | None:
    """A one-line progress display on a terminal when there are several documents."""
    if quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int, name: str) -> None:
        if total >= PROGRESS_FROM:
            end = "\n" if done == total else ""
            click.echo(f"\r[{done}/{total}] {shown(name)[-60:]:<60}", err=True, nl=False)
            click.echo(end, err=True, nl=False)

    return show


@main.command()
@click.option("--raw-dir", type=click.Path(path_type=Path), default=Path("raw"), show_default=True,
              help="Folder of source documents (read only).")
@click.option("--interim-dir", type=click.Path(path_type=Path), default=Path("interim"), show_default=True,
              help="Folder for each stage's intermediate files (new, empty or written by this pipeline).")
@click.option("--output-dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Folder for json/ and parquet/ (replaced atomically; new, empty or written by this pipeline).")
@click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
              default=profiles.DEFAULT_PROFILE, show_default="the Så arbetar regionerna profile",
              help="Document profile (TOML) of the report family: labels, count lines, intro claims, word lists.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="number of cores",
              help="Documents processed in parallel; the output is identical to a serial run.")
@click.option("--keep-going", is_flag=True,
              help="Publish the documents that could be read; failures become error rows in quality. "
                   "The exit status is still 1.")
@click.option("--redact-people", is_flag=True,
              help="Replace people's names, e-mail addresses and phone numbers with stable pseudonyms; needs a salt.")
@click.option("--salt", envvar="PIPELINE_REDACT_SALT", default=None,
              help="Secret (16+ characters) that makes the pseudonyms of --redact-people yours "
                   "(env PIPELINE_REDACT_SALT).")
@click.option("--salt-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="File whose first line is the secret salt of --redact-people.")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True,
              help="Seconds to wait for another extract using the same output or interim folder to finish.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True, help="Also print skipped files and tracebacks of internal errors.")
@click.pass_context
def extract(ctx: click.Context, raw_dir: Path, interim_dir: Path, output_dir: Path, profile_path: Path, jobs: int,
            keep_going: bool, redact_people: bool, salt: str | None, salt_file: Path | None, wait: float, quiet: bool,
            verbose: bool) -> None:
    """Extract every supported file in the raw folder into JSON and Parquet.

    The output and interim folders must be new, empty or written by this pipeline before (it
    leaves a marker file in each); a folder that holds anything else is refused unchanged.
    """
    try:
        redact_salt = _salt(ctx, redact_people, salt, salt_file)
        profile = profiles.load_cached(profile_path)
        summary = runner.run(raw_dir, interim_dir, output_dir, profile, jobs=jobs, keep_going=keep_going,
                             redact_salt=redact_salt, progress=_progress(quiet), wait=wait)
    except PipelineError as exc:
        _fail(exc)
    except Exception as exc:  # a bug, not bad input: still one line unless asked for more
        if verbose:
            traceback.print_exc()
        click.echo(f"internal error: {shown(f'{type(exc).__name__}: {exc}')} (rerun with --verbose for the traceback)",
                   err=True)
        sys.exit(EXIT_INTERNAL_ERROR)
    if verbose:
        for line in summary.skipped:
            click.echo(line, err=True)
        for trace in summary.tracebacks:
            click.echo(trace, err=True, nl=False)
    elif summary.skipped and not quiet:
        click.echo(f"{len(summary.skipped)} file(s) in {shown(raw_dir)} skipped (use --verbose to list them)", err=True)
    if not quiet:
        for warning in summary.warnings:
            click.echo(f"warning: {warning}", err=True)
    for failure in summary.failures:
        click.echo(f"error: {failure}", err=True)
    if not quiet:
        click.echo(f"extracted {summary.documents} document(s), {summary.regions} region(s) into {shown(output_dir)} "
                   f"({summary.reextracted} re-extracted, {summary.reused} unchanged)")
        click.echo("rows: " + ", ".join(f"{name} {n}" for name, n in summary.rows.items()))
        severities = ("error", "warning", "info")
        click.echo("quality findings: " + ", ".join(f"{s} {summary.findings.get(s, 0)}" for s in severities))
    if summary.failures:
        sys.exit(EXIT_INPUT_ERROR)


@main.command()
@click.argument("old")
@click.argument("new")
@click.option("--repository", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True,
              help="Git repository in which OLD or NEW are revisions.")
def diff(old: str, new: str, repository: Path) -> None:
    """Report what changed between two extractions, in Markdown.

    OLD and NEW are output folders (output or output/json) or git revisions of output/json.
    Exit status: 0 nothing changed, 1 something changed, 2 error.
    """
    try:
        text, changed = diff_stage.report(diff_stage.load(old, repository), diff_stage.load(new, repository))
    except PipelineError as exc:
        click.echo(f"error: {one_line(str(exc))}", err=True)
        sys.exit(EXIT_DIFF_ERROR)
    except Exception as exc:  # never exit 1 (which means "changed") for a failure
        click.echo(f"error: cannot compare {shown(old)} and {shown(new)} "
                   f"({shown(f'{type(exc).__name__}: {exc}')})", err=True)
        sys.exit(EXIT_DIFF_ERROR)
    click.echo(text, nl=False)
    sys.exit(1 if changed else 0)
