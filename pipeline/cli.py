"""Command line: ``pipeline extract``, ``diff``, ``export``, ``dictionary`` (``python -m pipeline`` is
the same). Errors become one line on stderr and an exit code."""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import click

from pipeline import __version__
from pipeline import profile as profiles
from pipeline.errors import ConfigurationError, PipelineError, WriteError, one_line, shown
from pipeline.paths import PROFILES_DIR
from pipeline.readers import engines as pdf_engines
from pipeline.redact import check_salt

# The stages are imported by the command that runs them, so `pipeline --version`, `--help`,
# `export` and `dictionary` start without loading spaCy.
EXPORT_FORMATS = ("csv", "xlsx")
EXPORT_DIALECTS = ("standard", "excel")

EXIT_INPUT_ERROR = 1
EXIT_INTERNAL_ERROR = 3
EXIT_DIFF_ERROR = 2
PROGRESS_FROM = 5
LOG_PROGRESS_SECONDS = 10
"""In a log, a progress line at most this often (and one when the last document is done)."""
"""Fewer documents than this finish before a progress line would help."""
MAX_SALT_FILE_BYTES = 4096
"""A salt file is one line of random characters; a larger file is refused, not read whole."""
REGIONS_NAMED = 12
"""The run summary names at most this many regions with warnings; the quality table has them all."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="pipeline", message="%(prog)s %(version)s")
def main() -> None:
    """Turn Swedish regional social-enterprise reports into a validated dataset."""


def _fail(exc: PipelineError) -> None:
    for line in str(exc).split("\n") if str(exc) else [type(exc).__name__]:
        click.echo(f"error: {one_line(line)}", err=True)
    sys.exit(EXIT_INPUT_ERROR)


def _profile_option(function: Callable) -> Callable:
    return click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False),
                        default=profiles.DEFAULT_PROFILE, show_default="the Så arbetar regionerna profile",
                        help="Document profile (TOML) of the report family: labels, count lines, intro claims, "
                             "word lists.")(function)


def regions_to_review(output_dir: Path) -> list[tuple[str, int]]:
    """The regions (and documents) that have errors or warnings, from the published quality table:
    "12 Skåne län (2 warnings)", with the document id when there are several documents. Documents
    whose findings are alike (the same place, severities and codes) are one line: "200 documents:
    whole document (1 warning each: duplicate_document)", so a long run's summary is not a wall.
    Each line comes with how many places (a region or a whole document) it stands for."""
    import pyarrow.parquet as pq

    from pipeline import reference

    paths = [output_dir / "parquet" / "quality.parquet",
             *sorted((output_dir / "families").glob("*/parquet/quality.parquet"))]  # each other family's dataset
    rows = [row for path in paths if path.is_file()
            for row in pq.read_table(path, columns=["document_id", "county_code", "unit_id", "severity",
                                                    "code"]).to_pylist()]
    counts: dict[tuple[str, str | None], Counter[tuple[str, str]]] = {}
    for row in rows:
        if row["severity"] in ("error", "warning"):
            unit = row["unit_id"] or row["county_code"]
            counts.setdefault((row["document_id"], unit), Counter())[row["severity"], row["code"]] += 1
    names = {c.county_code: c.county_name for c in reference.counties()}

    def where(county: str | None) -> str:
        return f"{county} {names.get(county, '')}".strip() if county else "whole document"

    def what(found: Counter[tuple[str, str]], each: str = "") -> str:
        by_severity = Counter()
        for (severity, _), n in found.items():
            by_severity[severity] += n
        return ", ".join(f"{n} {s}{'s' if n > 1 else ''}{each}" for s in ("error", "warning") if (n := by_severity[s]))

    if len({document for document, _ in counts}) <= 1:
        return [(f"{where(county)} ({what(found)})", 1) for (_, county), found in counts.items()]
    alike: dict[tuple, list[str]] = {}
    for (document, county), found in counts.items():
        alike.setdefault((county, tuple(sorted(found.items()))), []).append(document)
    out = []
    for (county, items), documents in alike.items():
        found = Counter(dict(items))
        if len(documents) == 1:
            out.append((f"{documents[0]}: {where(county)} ({what(found)})", 1))
        else:
            codes = ", ".join(sorted({code for _, code in found}))
            out.append((f"{len(documents)} documents: {where(county)} ({what(found, ' each')}: {codes})",
                        len(documents)))
    return out


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
            with salt_file.open("rb") as stream:
                data = stream.read(MAX_SALT_FILE_BYTES + 1)
            if len(data) > MAX_SALT_FILE_BYTES:
                raise ConfigurationError(f"{shown(salt_file)}: the salt file is over {MAX_SALT_FILE_BYTES} bytes; "
                                         "a salt is one line of random characters (nothing was done)")
            lines = data.decode("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{shown(salt_file)}: cannot read the salt file "
                                     f"({getattr(exc, 'strerror', None) or exc})") from exc
        salt = lines[0].strip() if lines else ""
    return check_salt(salt)


def _progress(quiet: bool) -> Callable[[int, int, str], None] | None:
    """Progress when there are several documents: on a terminal one line rewritten in place; in a
    log (stderr is a file or a pipe) a line every ``LOG_PROGRESS_SECONDS`` and at the end, with the
    time so far ("[120/201] raw/x.pdf, 14 s")."""
    if quiet:
        return None
    if not sys.stderr.isatty():
        started = time.monotonic()
        last = [started]

        def log(done: int, total: int, name: str) -> None:
            now = time.monotonic()
            if total >= PROGRESS_FROM and (now - last[0] >= LOG_PROGRESS_SECONDS or done == total):
                last[0] = now
                click.echo(f"[{done}/{total}] {shown(name)}, {now - started:.0f} s", err=True)

        return log

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
@_profile_option
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
@click.option("--pdf-engine", type=click.Choice(pdf_engines.ENGINES), default=pdf_engines.DEFAULT_ENGINE,
              show_default=True, help="Library that reads PDFs: PDFium (fast) or pdfplumber (the reference); "
                                      "both give the same text.")
@click.option("--publishing", "publishing", type=click.Path(path_type=Path, dir_okay=False), default=None,
              show_default="pipeline/publishing.toml",
              help="Settings for the data portal's record, output/dcat-ap-se.rdf: the files' address, licence, "
                   "contact point.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--verbose", "-v", is_flag=True, help="Also print skipped files and tracebacks of internal errors.")
@click.pass_context
def extract(ctx: click.Context, raw_dir: Path, interim_dir: Path, output_dir: Path, profile_path: Path, jobs: int,
            keep_going: bool, redact_people: bool, salt: str | None, salt_file: Path | None, wait: float,
            pdf_engine: str, publishing: Path | None, quiet: bool, verbose: bool) -> None:
    """Extract every supported file in the raw folder into JSON and Parquet.

    The output and interim folders must be new, empty or written by this pipeline before (it
    leaves a marker file in each); a folder that holds anything else is refused unchanged.
    """
    from pipeline.runner import run as runner

    try:
        redact_salt = _salt(ctx, redact_people, salt, salt_file)
        profile = profiles.load_cached(profile_path)
        # without --profile each document is read with the shipped profile whose title it has
        route = ctx.get_parameter_source("profile_path") is click.core.ParameterSource.DEFAULT
        summary = runner.run(raw_dir, interim_dir, output_dir, profile, jobs=jobs, keep_going=keep_going,
                             redact_salt=redact_salt, progress=_progress(quiet), wait=wait, pdf_engine=pdf_engine,
                             publishing=publishing, route=route)
    except PipelineError as exc:
        if verbose:
            for trace in getattr(exc, "tracebacks", ()):  # documents that stopped the run on an internal error
                click.echo(trace, err=True, nl=False)
        _fail(exc)
    except OSError as exc:  # a write no stage named: still the folder it went to
        if verbose:
            traceback.print_exc()
        _fail(WriteError(exc.filename or output_dir, exc))
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
        for line in summary.set_aside:
            click.echo(f"set aside: {line}", err=True)
        for line in summary.removed:
            click.echo(f"removed: {line}")
    for failure in summary.failures:
        click.echo(f"error: {failure}", err=True)
    if not quiet:
        click.echo(f"extracted {summary.documents} document(s), {summary.regions} region(s) into {shown(output_dir)} "
                   f"({summary.reextracted} re-extracted, {summary.reused} unchanged)")
        if set(summary.families) - {summary.profile_id}:
            click.echo("report families: " + ", ".join(
                f"{family} {n} document(s) in " + (shown(output_dir) if family == summary.profile_id
                                                   else shown(output_dir / "families" / family))
                for family, n in sorted(summary.families.items(), key=lambda f: (f[0] != summary.profile_id, f[0]))))
        if summary.reextracted:
            click.echo("stages run: " + ", ".join(f"{stage} {summary.stages_run.get(stage, 0)}"
                                                  for stage in summary.stage_names))
        click.echo("rows: " + ", ".join(f"{name} {n}" for name, n in summary.rows.items()))
        severities = ("error", "warning", "info")
        click.echo("quality findings: " + ", ".join(f"{s} {summary.findings.get(s, 0)}" for s in severities))
        review = regions_to_review(output_dir)
        if review:
            more = len(review) - REGIONS_NAMED
            click.echo(f"to review ({sum(n for _, n in review)} with errors or warnings): "
                       + "; ".join(line for line, _ in review[:REGIONS_NAMED])
                       + (f"; and {more} more (see output/parquet/quality.parquet)" if more > 0 else ""))
    if summary.failures:
        sys.exit(EXIT_INPUT_ERROR)


@main.command()
@click.argument("old")
@click.argument("new")
@click.option("--repository", type=click.Path(path_type=Path, file_okay=False), default=Path("."), show_default=True,
              help="Git repository in which OLD or NEW are revisions.")
@click.option("--format", "report_format", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True,
              help="markdown: a summary, then every change; json: one record per change "
                   "(schema: docs/diff-report.schema.json).")
@click.option("--html", "html_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write one self-contained page with each changed region's old and new text side by side.")
def diff(old: str, new: str, repository: Path, report_format: str, html_path: Path | None) -> None:
    """Report what changed between two extractions, field by field.

    OLD and NEW are output folders (output or output/json) or git revisions of output/json.
    Exit status: 0 nothing changed, 1 something changed, 2 error.
    """
    from pipeline.review import diff as diff_stage
    from pipeline.review import diff_page, diff_text

    try:
        old_side, new_side = diff_stage.load(old, repository), diff_stage.load(new, repository)
        report = diff_stage.compare(old_side, new_side)
        if html_path is not None:
            diff_page.write(html_path, report, old_side, new_side)
    except PipelineError as exc:
        click.echo(f"error: {one_line(str(exc))}", err=True)
        sys.exit(EXIT_DIFF_ERROR)
    except Exception as exc:  # never exit 1 (which means "changed") for a failure
        click.echo(f"error: cannot compare {shown(old)} and {shown(new)} "
                   f"({shown(f'{type(exc).__name__}: {exc}')})", err=True)
        sys.exit(EXIT_DIFF_ERROR)
    click.echo(diff_text.as_json(report) if report_format == "json" else diff_text.markdown(report), nl=False)
    sys.exit(1 if report.changed else 0)


@main.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="csv: one file per table (with a datapackage.json that types them); xlsx: one workbook with a "
                   "sheet per table.")
@click.option("--output-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("output"),
              show_default=True, help="The extraction's output folder (its parquet/ tables are read).")
@click.option("--to", "to", type=click.Path(path_type=Path, file_okay=False), default=None,
              show_default="OUTPUT_DIR/export", help="Folder to write csv/, csv-excel/ or tables.xlsx into.")
@click.option("--dialect", type=click.Choice(EXPORT_DIALECTS), default="standard", show_default=True,
              help="For --format csv: standard (UTF-8, commas, for machines and the data package, into csv/) or "
                   "excel (for Excel with Swedish settings: UTF-8 with a byte-order mark, semicolons, decimal "
                   "comma, CRLF, into csv-excel/).")
@_profile_option
@click.pass_context
def export(ctx: click.Context, fmt: str, output_dir: Path, to: Path | None, dialect: str, profile_path: Path) -> None:
    """Export every table as CSV files or as one Excel workbook, for spreadsheets.

    Another family's dataset too: --output-dir output/families/<id>, read with the profile it was
    extracted with."""
    from pipeline.publish import export as export_stage

    try:
        made_with = export_stage.made_with(output_dir)
        if ctx.get_parameter_source("profile_path") is click.core.ParameterSource.DEFAULT and made_with is not None \
                and (PROFILES_DIR / f"{made_with}.toml").is_file():
            profile_path = PROFILES_DIR / f"{made_with}.toml"  # the shipped profile its tables were made with
        written = export_stage.export(output_dir, fmt, to or output_dir / "export", profiles.load_cached(profile_path),
                                      dialect)
    except PipelineError as exc:
        _fail(exc)
    except Exception as exc:  # a bug, not bad input: still one line
        click.echo(f"internal error: {shown(f'{type(exc).__name__}: {exc}')}", err=True)
        sys.exit(EXIT_INTERNAL_ERROR)
    click.echo(f"wrote {written[0] if fmt == 'xlsx' else written[0].parent}")


@main.command("check-profile")
@click.argument("profile_path", type=click.Path(path_type=Path, dir_okay=False))
def check_profile(profile_path: Path) -> None:
    """Check that a profile loads, and say what it declares.

    Its units, sections, value types and claims; it writes nothing."""
    try:
        profile = profiles.load(profile_path)
    except PipelineError as exc:
        _fail(exc)
    rule = profile.regions
    how = (f"headed by lines matching {rule.heading_pattern!r}" if rule.heading_pattern is not None else
           f"found by the line before its {' or '.join(repr(s) for s in rule.headed_by)} label" if rule.unit == "free"
           else f"headed {', '.join(repr(f) for f in rule.heading_forms)}")
    click.echo(f"{shown(profile_path)}: profile {profile.id!r} ({profile.title!r}) loads")
    click.echo(f"units: {rule.unit}, {how}")
    click.echo("sections: " + (", ".join(f"{s.id} ({s.reads_as}{'' if s.expected else ', optional'})"
                                         for s in profile.sections) or "none"))
    click.echo("values: " + (", ".join(f"{m.id} ({m.type}{f', {m.canonical_unit}' if m.canonical_unit else ''})"
                                       for m in profile.metrics) or "none"))
    click.echo("claims: " + (", ".join(f"{c.id} ({c.type})" for c in profile.claims) or "none"))
    shipped = [p for p in PROFILES_DIR.glob("*.toml") if p.resolve() != profile_path.resolve()]
    clash = next((p for p in shipped if profiles.load_cached(p).id == profile.id), None)
    if clash is not None:
        click.echo(f"warning: a shipped profile has the same id: {shown(clash)}", err=True)


@main.command()
@click.option("--output", "-o", "path", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("docs") / "data-dictionary.md", show_default=True,
              help="Markdown file to write; - for stdout.")
@_profile_option
def dictionary(path: Path, profile_path: Path) -> None:
    """Write the data dictionary for people (Markdown), from the models."""
    from pipeline.publish import dictionary as dictionary_stage

    try:
        profile = profiles.load_cached(profile_path)
    except PipelineError as exc:
        _fail(exc)
    if str(path) == "-":
        click.echo(dictionary_stage.markdown(profile), nl=False)
        return
    changed = dictionary_stage.write_markdown(path, profile)
    click.echo(f"wrote {path}" if changed else f"{path} is up to date")
