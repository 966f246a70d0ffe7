"""A redacted dataset says it is redacted, wherever a person meets it: provenance.json, the documents
table, the data package (and the CSV export's), document.json and the review site; never the salt."""

from __future__ import annotations

import json

import pyarrow.parquet as pq

from pipeline.redact import salt_fingerprint
from tests.conftest import cli
from tests.test_hostile import SALT, extract, project


def _said(root):
    output = root / "output"
    provenance = json.loads((output / "provenance.json").read_text(encoding="utf-8"))["redaction"]
    package = json.loads((output / "datapackage.json").read_text(encoding="utf-8"))
    documents = pq.read_table(output / "parquet" / "documents.parquet").to_pylist()
    document = json.loads((output / "json" / "rapport" / "document.json").read_text(encoding="utf-8"))
    review = (output / "review" / "index.html").read_text(encoding="utf-8")
    return provenance, package, documents, document, review


def test_a_redacted_run_says_so_everywhere_and_never_writes_the_salt(tmp_path):
    project(tmp_path)
    assert extract(tmp_path, "--redact-people", "--salt", SALT).returncode == 0
    fingerprint = salt_fingerprint(SALT)
    provenance, package, documents, document, review = _said(tmp_path)
    assert provenance == {"redacted": True, "salt_fingerprint": fingerprint}
    assert package["redaction"] == provenance and "REDACTED" in package["description"]
    assert [(d["redacted"], d["redaction_salt_fingerprint"]) for d in documents] == [(True, fingerprint)]
    assert (document["redacted"], document["redaction_salt_fingerprint"]) == (True, fingerprint)
    assert "<strong>Redacted:</strong>" in review and fingerprint in review
    assert cli("export", "--format", "csv", cwd=tmp_path).returncode == 0
    exported = json.loads((tmp_path / "output" / "export" / "csv" / "datapackage.json").read_text(encoding="utf-8"))
    assert exported["redaction"] == provenance
    for path in [*(tmp_path / "output").rglob("*"), *(tmp_path / "interim").rglob("*")]:
        if path.is_file():
            assert SALT.encode() not in path.read_bytes(), path


def test_a_run_without_redaction_says_the_names_are_as_written(tmp_path):
    project(tmp_path)
    assert extract(tmp_path).returncode == 0
    provenance, package, documents, document, review = _said(tmp_path)
    assert provenance == {"redacted": False, "salt_fingerprint": None} == package["redaction"]
    assert [(d["redacted"], d["redaction_salt_fingerprint"]) for d in documents] == [(False, None)]
    assert document["redacted"] is False and "Redacted:" not in review
    # and switching redaction on afterwards re-extracts and says so: the cache never serves the other setting
    assert extract(tmp_path, "--redact-people", "--salt", SALT).returncode == 0
    assert _said(tmp_path)[0]["redacted"] is True
