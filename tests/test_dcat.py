"""The data portal's record, output/dcat-ap-se.rdf: it parses as RDF/XML, has every property DCAT-AP-SE
makes mandatory (the specification's mandatory example, diggsweden/DCAT-AP-SE exempel/obligatoriskt)
and the recommended ones the run knows, describes every published file, and is the same bytes in
every process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from pipeline.publish import dcat
from tests.conftest import PROFILE, ROOT, cli

MANDATORY = {
    DCAT.Catalog: (DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCAT.dataset, DCTERMS.license),
    DCAT.Dataset: (DCTERMS.title, DCTERMS.description, DCTERMS.publisher),
    DCAT.Distribution: (DCAT.accessURL,),
    FOAF.Agent: (FOAF.name,),
}
RECOMMENDED = {
    DCAT.Catalog: (DCTERMS.language, DCAT.themeTaxonomy),
    DCAT.Dataset: (DCAT.distribution, DCAT.keyword, DCAT.theme, DCTERMS.spatial, DCAT.contactPoint,
                   DCAT.landingPage),
    DCAT.Distribution: (DCTERMS.format, DCAT.mediaType, DCTERMS.license),
    FOAF.Agent: (DCTERMS.type,),
}


def _graph(path) -> Graph:
    graph = Graph()
    graph.parse(path, format="xml")
    return graph


def _missing(graph: Graph, wanted: dict) -> list[str]:
    return [f"{kind.n3(graph.namespace_manager)} {subject} lacks {prop.n3(graph.namespace_manager)}"
            for kind, props in wanted.items() for subject in graph.subjects(RDF.type, kind)
            for prop in props if graph.value(subject, prop) is None]


def test_the_record_has_every_mandatory_property_and_every_published_file(seed_output):
    graph = _graph(seed_output / dcat.RECORD)
    for kind in MANDATORY:
        assert list(graph.subjects(RDF.type, kind)), kind
    assert _missing(graph, MANDATORY) == []
    dataset = graph.value(predicate=RDF.type, object=DCAT.Dataset)
    titles = {t.language for t in graph.objects(dataset, DCTERMS.title)}
    assert titles == {"sv", "en"}  # title and description in Swedish and English
    addresses = {str(graph.value(d, DCAT.accessURL)) for d in graph.objects(dataset, DCAT.distribution)}
    base = dcat.load_publishing().base_url
    assert f"{base}parquet/regions.parquet" in addresses and f"{base}datapackage.json" in addresses
    assert f"{base}export/tables.xlsx" in addresses and f"{base}export/csv/contacts.csv" in addresses
    assert len(addresses) == 2 * 14 + 2  # each table as Parquet and as CSV, the data package, the workbook
    # the 17 counties with a project, each by its SCB code
    places = [p for p in graph.objects(dataset, DCTERMS.spatial) if (p, RDF.type, DCTERMS.Location) in graph]
    assert len(places) == 17


def test_with_the_publishers_settings_every_recommended_property_is_there(tmp_path):
    settings = tmp_path / "publishing.toml"
    settings.write_text(
        'base_url = "https://data.example.se/se/"\npublisher_name = "Region Exempel"\n'
        'publisher_type = "RegionalAuthority"\nlicense = "http://creativecommons.org/licenses/by/4.0/"\n'
        'contact_name = "Öppna data"\ncontact_email = "oppnadata@example.se"\n'
        'landing_page = "https://example.se/data/sociala-foretag"\n', encoding="utf-8")
    record = dcat.record(PROFILE, ["parquet/regions.parquet", "export/tables.xlsx"], [("10", "Blekinge län")],
                         dcat.load_publishing(settings))
    (tmp_path / "record.rdf").write_bytes(record)
    graph = _graph(tmp_path / "record.rdf")
    assert _missing(graph, MANDATORY) == [] and _missing(graph, RECOMMENDED) == []
    contact = graph.value(predicate=RDF.type, object=URIRef("http://www.w3.org/2006/vcard/ns#Organization"))
    assert str(graph.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail"))) == "mailto:oppnadata@example.se"


def test_the_record_is_the_same_bytes_in_every_process(seed_output):
    code = ("import sys; from pipeline import profile as P; from pipeline.publish import dcat; "
            "sys.stdout.buffer.write(dcat.record(P.default(), ['parquet/a.parquet', 'datapackage.json'], "
            "[('10', 'Blekinge län'), ('01', 'Stockholms län')], dcat.load_publishing()))")
    made = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(made) == 1 and b"dcat:Dataset" in made.pop()


@pytest.mark.parametrize("content, said", [
    ('base_url = "ftp://x/"\n', "'base_url' must be an http(s) address"),
    ('colour = "red"\n', "unknown key 'colour'"),
    ('base_url = [1]\n', "'base_url' must be a string"),
])
def test_bad_publishing_settings_are_one_line_naming_the_key(tmp_path, content, said):
    defaults = (dcat.DEFAULT_SETTINGS.read_text(encoding="utf-8"))
    settings = tmp_path / "publishing.toml"
    lines = [line for line in defaults.splitlines() if not line.startswith(content.split(" ")[0] + " ")]
    settings.write_text("\n".join(lines) + "\n" + content, encoding="utf-8")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("Så arbetar regionerna\n", encoding="utf-8")
    result = cli("extract", "--publishing", str(settings), cwd=tmp_path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and said in result.stderr, result.stderr
    assert not (tmp_path / "output").exists()


def test_a_publishing_file_sets_only_what_it_names_and_the_run_warns_about_defaults_left(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text(
        "Tillväxtverket\n\nSå arbetar regionerna\n\nRegion Kalmar stärker sociala företag\n\nKalmar arbetar.\n\n"
        "Kända sociala företag: 12\n", encoding="utf-8")
    default = cli("extract", cwd=tmp_path)
    assert "dcat-ap-se.rdf: the data portal's record still has the default address of the files" in default.stderr
    settings = tmp_path / "mine.toml"
    settings.write_text('base_url = "https://data.region.se/sf/"\ncontact_email = "data@region.se"\n', encoding="utf-8")
    assert dcat.load_publishing(settings).license == dcat.load_publishing().license  # the rest from the defaults
    result = cli("extract", "--publishing", str(settings), cwd=tmp_path)
    assert result.returncode == 0 and "data portal's record still has" not in result.stderr
    graph = _graph(tmp_path / "output" / dcat.RECORD)
    assert URIRef("https://data.region.se/sf/parquet/regions.parquet") in set(graph.objects(None, DCAT.accessURL))
