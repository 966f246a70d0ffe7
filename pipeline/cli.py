"""Command line: ``python -m pipeline extract``. Errors become one line on stderr and an exit code."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

import click

from pipeline import extract as extract_stage
from pipeline.errors import PipelineError

EXIT_INPUT_ERROR = 1
EXIT_INTERNAL_ERROR = 3


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Turn Swedish regional social-enterprise reports into a validated dataset."""


@main.command()
@click.option("--raw-dir", type=click.Path(path_type=Path), default=Path("raw"), show_default=True,
              help="Folder of source documents (read only).")
@click.option("--interim-dir", type=click.Path(path_type=Path), default=Path("interim"), show_default=True,
              help="Folder for each stage's intermediate files.")
@click.option("--output-dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
              help="Folder for json/ and parquet/ (replaced atomically).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True, help="Also print skipped files and tracebacks of internal errors.")
def extract(raw_dir: Path, interim_dir: Path, output_dir: Path, quiet: bool, verbose: bool) -> None:
    """Extract every supported file in the raw folder into JSON and Parquet."""
    try:
        summary = extract_stage.run(raw_dir, interim_dir, output_dir)
    except PipelineError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    except Exception as exc:  # a bug, not bad input: still one line unless asked for more
        if verbose:
            traceback.print_exc()
        click.echo(f"internal error: {type(exc).__name__}: {exc} (rerun with --verbose for the traceback)", err=True)
        sys.exit(EXIT_INTERNAL_ERROR)
    if verbose:
        for line in summary.skipped:
            click.echo(line, err=True)
    elif summary.skipped and not quiet:
        click.echo(f"{len(summary.skipped)} file(s) in {raw_dir} skipped (use --verbose to list them)", err=True)
    if not quiet:
        click.echo(f"extracted {summary.documents} document(s), {summary.regions} region(s) into {output_dir}")
        click.echo("rows: " + ", ".join(f"{name} {n}" for name, n in summary.rows.items()))
        severities = ("error", "warning", "info")
        click.echo("quality findings: " + ", ".join(f"{s} {summary.findings.get(s, 0)}" for s in severities))
