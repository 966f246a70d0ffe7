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
from tests.conftest import PROFILE, ROOT


@pytest.fixture(scope="module")
def output(seed_output) -> Path:
    return seed_output


def test_frictionless_validates_the_package(output):
    # Frictionless cannot count bytes or hash a binary Parquet stream; those two are checked below
    report = validate(output / "datapackage.json", skip_errors=["byte-count", "hash-count"])
    assert report.valid, report.flatten(["resourceName", "type", "note"])[:5]


def test_hashes_and_sizes_match_the_files(output):
    package = json.loads((output / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        data = (output / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == f"sha256:{hashlib.sha256(data).hexdigest()}"


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
    assert personal == [("contacts", "name"), ("contacts", "source_line"), ("quality", "evidence"),
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
    for table in schemas(PROFILE.metric_ids):
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
    for table, schema in schemas(PROFILE.metric_ids).items():
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
