"""The data dictionary: generated from the models, valid as a Frictionless package, and the tables
readable with the right types by DuckDB, pandas and polars."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest
from frictionless import validate

from pipeline import models
from pipeline.publish import dictionary
from pipeline.publish.tables import schemas
from pipeline.profile import DEFAULT_PROFILE as PROFILE_FILE
from tests.conftest import PROFILE, ROOT


@pytest.fixture(scope="module")
def output(seed_output) -> Path:
    return seed_output


def test_frictionless_validates_the_package_with_no_flags(output):
    report = validate(output / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:5]
    package = json.loads((output / "datapackage.json").read_text(encoding="utf-8"))
    assert all("hash" not in r and "bytes" not in r for r in package["resources"])  # in checksums.sha256


def test_checksum_manifest_lists_every_output_file_with_its_sha256(output):
    listed = {}
    for line in (output / "checksums.sha256").read_text(encoding="utf-8").splitlines():
        digest, path = line.split("  ", 1)
        listed[path] = digest
    files = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()} - {
        "checksums.sha256", ".pipeline-output"}  # the runner's marker of the folder is not data
    assert set(listed) == files
    assert {f"parquet/{table}.parquet" for table in schemas(PROFILE.metric_types)} <= files
    assert {"datapackage.json", "provenance.json", "review/index.html"} <= files
    for path, digest in listed.items():
        assert hashlib.sha256((output / path).read_bytes()).hexdigest() == digest, path


def test_provenance_names_the_version_the_profile_and_each_source(output, seed):
    from pipeline import __version__
    from tests.conftest import SEED

    provenance = json.loads((output / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["pipeline_version"] == __version__
    assert provenance["profile"] == {"id": PROFILE.id, "sha256": PROFILE.sha256}
    assert PROFILE.sha256 == hashlib.sha256(PROFILE_FILE.read_bytes()).hexdigest()
    assert provenance["documents"] == [{
        "document_id": "tillvaxtverket-sa-arbetar-regionerna", "source_path": f"raw/{SEED.name}",
        "source_format": "text", "source_sha256": hashlib.sha256(SEED.read_bytes()).hexdigest()}]
    document = json.loads(next((output / "json").glob("*/document.json")).read_text(encoding="utf-8"))
    assert (document["pipeline_version"], document["profile_id"], document["profile_sha256"]) == (
        __version__, PROFILE.id, PROFILE.sha256)
    assert "source_sha256" not in document  # an edit inside one region must change only that region's file
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", json.dumps(provenance) + json.dumps(document))  # no timestamps
    documents = pd.read_parquet(output / "parquet" / "documents.parquet")
    assert documents.loc[0, "source_sha256"] == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert documents.loc[0, "pipeline_version"] == __version__


def test_document_schema_describes_the_document_file(output):
    import jsonschema

    schema = json.loads((output / "schema" / "document.schema.json").read_text(encoding="utf-8"))
    for path in (output / "json").glob("*/document.json"):
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


def test_keys_enums_and_personal_data_are_declared(output):
    package = json.loads((output / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["name"]: r["schema"] for r in package["resources"]}
    assert {"fields": ["document_id", "organisation_id"],
            "reference": {"resource": "organisations", "fields": ["document_id", "organisation_id"]}} in \
        schemas["mentions"]["foreignKeys"]
    fields = {(table, f["name"]): f for table, s in schemas.items() for f in s["fields"]}
    assert fields[("regions", "known_social_enterprises_basis")]["constraints"]["enum"] == ["stated", "listed", "none"]
    assert fields[("contacts", "status")]["constraints"]["enum"] == ["current", "former"]
    personal = sorted(key for key, f in fields.items() if f.get("personal_data"))
    assert personal == [("contacts", "email"), ("contacts", "name"), ("contacts", "phone"), ("contacts", "source_line"),
                        ("quality", "evidence"),
                        ("sections", "text")]
    assert all(f["description"] for f in fields.values())


def test_json_schemas_are_the_models(output):
    written = json.loads((output / "schema" / "region.schema.json").read_text(encoding="utf-8"))
    assert written == dictionary.region_json_schema(PROFILE)
    assert [name for name in written["properties"] if name.endswith(("_enterprises", "_promoting", "_promoters"))] == [
        "known_social_enterprises", "municipalities_promoting", "business_promoters"]
    for path in (output / "json").glob("*/[0-9]*.json"):
        models.Region.model_validate_json(path.read_text(encoding="utf-8"))


def test_duckdb_reads_every_table_with_its_types(output):
    connection = duckdb.connect()
    for table in schemas(PROFILE.metric_types):
        connection.execute(f"CREATE VIEW {table} AS SELECT * FROM '{output}/parquet/{table}.parquet'")
    types = dict(connection.execute("SELECT column_name, data_type FROM information_schema.columns "
                                    "WHERE table_name = 'regions'").fetchall())
    assert (types["county_code"], types["known_social_enterprises"], types["business_promoters_list_is_partial"]) == (
        "VARCHAR", "BIGINT", "BOOLEAN")
    top = connection.execute("SELECT county_name, known_social_enterprises FROM regions "
                             "ORDER BY known_social_enterprises DESC NULLS LAST LIMIT 1").fetchone()
    assert top == ("Västra Götalands län", 232)
    aliases = connection.execute("SELECT typeof(aliases) FROM organisations LIMIT 1").fetchone()[0]
    assert aliases == "VARCHAR[]"


def test_pandas_reads_nullable_integers(output):
    regions = pd.read_parquet(output / "parquet" / "regions.parquet")
    assert str(regions["municipalities_promoting"].dtype) == "Int64"
    assert regions["municipalities_promoting"].isna().sum() == 5  # Blekinge, Jönköping, Norrbotten, Sörmland, Örebro


def test_polars_reads_every_table(output):
    for table, schema in schemas(PROFILE.metric_types).items():
        frame = pl.read_parquet(output / "parquet" / f"{table}.parquet")
        assert frame.width == len(schema)
    organisations = pl.read_parquet(output / "parquet" / "organisations.parquet")
    assert organisations.schema["aliases"] == pl.List(pl.String)
    assert pl.read_parquet(output / "parquet" / "goals.parquet").schema["ordinal"] == pl.Int64


def test_readme_duckdb_example_runs(output):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = re.search(r"```sql\n(.+?)```", readme, re.DOTALL).group(1)
    rows = duckdb.connect().execute(query.replace("output/parquet", f"{output}/parquet")).fetchall()
    assert rows and rows[0][0] == "Västra Götalands län"


def test_data_dictionary_is_committed_and_fresh():
    # CI runs `make check-output`, which regenerates it and fails on a difference; this says so sooner
    committed = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == dictionary.markdown(PROFILE), "run `make extract` and commit docs/data-dictionary.md"


def test_data_dictionary_lists_every_table_column_and_finding_code():
    from pipeline.findings import CATALOGUE

    text = dictionary.markdown(PROFILE)
    for table, schema in schemas(PROFILE.metric_types).items():
        section = text.split(f"### `{table}`\n\n", 1)[1].split("\n### ", 1)[0]
        assert section.startswith(dictionary.GRAINS[table])
        rows = [line for line in section.splitlines() if line.startswith("| `")]
        assert [row.split("`")[1] for row in rows] == schema.names
    contacts = text.split("### `contacts`\n\n", 1)[1].split("\n### ", 1)[0]
    assert "| `name` | string | no | the person's name as written (personal data) |  | yes |" in contacts
    assert ("| `status` | string | no | former for holders marked 'fd', 'f.d.', 'tidigare', 'slutat' or replaced ('ersätter') | `current`, `former` |  |"
            in contacts)
    for code, info in CATALOGUE.items():
        assert f"| `{code.value}` | {info.severity} | {info.stage} |" in text
    for model in (models.Document, models.Region, models.Contact, models.Count, models.Finding, models.Mention):
        for name in model.model_fields:
            if name not in ("source_sha256", "counts"):
                assert f"| `{name}` |" in text, (model.__name__, name)
    assert "&lt;document_id>" in text  # "<document_id>" in a table cell is text, not an HTML tag


def test_dictionary_command_writes_the_file(tmp_path):
    from tests.conftest import cli

    result = cli("dictionary", "--output", "dd.md", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "dd.md").read_text(encoding="utf-8") == dictionary.markdown(PROFILE)
    assert cli("dictionary", "--output", "dd.md", cwd=tmp_path).stdout == "dd.md is up to date\n"


def test_every_field_of_a_row_model_is_a_column_of_its_table(seed_output):
    """The README's table list and `quality.field` ("names the value") hold for Parquet readers too:
    a finding's field, a contact's e-mail and phone, an organisation's place are columns, not only JSON."""
    from pipeline.models import Contact, Finding, Goal, Mention, Organisation, PurposeItem, Section
    from pipeline.publish.tables import schemas
    from tests.conftest import PROFILE

    tables = schemas(PROFILE.metric_types)
    for table, model in (("quality", Finding), ("contacts", Contact), ("organisations", Organisation),
                         ("sections", Section), ("goals", Goal), ("purpose_items", PurposeItem),
                         ("mentions", Mention)):
        missing = set(model.model_fields) - set(tables[table].names)
        assert missing == set(), (table, missing)
    quality = pd.read_parquet(seed_output / "parquet" / "quality.parquet")
    region = json.loads(next((seed_output / "json").glob("*/18-orebro.json")).read_text(encoding="utf-8"))
    expected = sorted((f["code"], f["field"] or "") for f in region["quality"])
    found = quality[quality.county_code == "18"]
    assert sorted(zip(found.code, found.field.fillna(""))) == expected
