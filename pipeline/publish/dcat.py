"""DCAT-AP-SE: the dataset described for the Swedish data portal (dataportal.se), which harvests
DCAT-AP-SE records in RDF/XML. ``output/dcat-ap-se.rdf`` holds one catalogue, one dataset and a
distribution per published file:

- made from the profile (the report's title and publisher), the run (the counties with a project,
  the tables, whether names are redacted) and ``pipeline/publishing.toml``, the values only the
  organisation that publishes the dataset knows (the address the files will have, the licence, the
  contact point, a landing page), with defaults marked to change;
- the properties DCAT-AP-SE makes mandatory (catalogue: title, description, publisher, dataset,
  licence; dataset: title, description, publisher; distribution: access URL; agent: name) always,
  and the recommended ones the run knows (keywords, themes, spatial coverage by county, language,
  formats and media types, the contact point and landing page when the settings give them);
- no dates: the record is the same bytes for the same data (the portal reads ``dct:modified`` as
  optional; temporal coverage is not known from the report, so it is left out).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS

from pipeline.errors import ConfigurationError, shown
from pipeline.paths import PACKAGE_DIR
from pipeline.profile import Profile

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
PUBLISHER_TYPE = Namespace("http://purl.org/adms/publishertype/")
MEDIA_TYPE = Namespace("https://www.iana.org/assignments/media-types/")
SWEDISH = URIRef("http://publications.europa.eu/resource/authority/language/SWE")
SWEDEN = URIRef("http://publications.europa.eu/resource/authority/country/SWE")
THEME_TAXONOMY = URIRef("http://publications.europa.eu/resource/authority/data-theme")
RECORD = "dcat-ap-se.rdf"
DEFAULT_SETTINGS = PACKAGE_DIR / "publishing.toml"

FORMATS = {
    ".parquet": ("PARQUET", "application/vnd.apache.parquet"),
    ".csv": ("CSV", "text/csv"),
    ".xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".json": ("JSON", "application/json"),
}
"""A published file's EU file type and IANA media type, by its suffix."""


@dataclass(frozen=True)
class Publishing:
    """``publishing.toml``: what only the publishing organisation knows."""

    base_url: str
    publisher_name: str
    publisher_type: str
    license: str
    contact_name: str
    contact_email: str = ""
    landing_page: str = ""


PLACEHOLDER_HOST = "data.example.se"
"""The host of the default ``base_url``: a record that still has it is not ready to publish."""


def load_publishing(path: Path = DEFAULT_SETTINGS) -> Publishing:
    """The publishing settings: the defaults of ``pipeline/publishing.toml``, with what ``path``
    sets over them; one line naming the file and the key when they are not usable."""
    data = {} if path == DEFAULT_SETTINGS else _read_settings(DEFAULT_SETTINGS)
    data.update(_read_settings(path))
    return _settings(path, data)


def _read_settings(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"{shown(path)}: cannot read the publishing settings ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{shown(path)}: not valid TOML ({exc})") from None


def _settings(path: Path, data: dict) -> Publishing:
    known = {f.name for f in fields(Publishing)}
    if unknown := sorted(set(data) - known):
        raise ConfigurationError(f"{shown(path)}: unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})")
    for f in fields(Publishing):
        if f.name in data and not isinstance(data[f.name], str):
            raise ConfigurationError(f"{shown(path)}: key {f.name!r} must be a string")
    try:
        settings = Publishing(**data)
    except TypeError:
        missing = [f.name for f in fields(Publishing) if f.name not in data and f.default is f.default_factory]
        raise ConfigurationError(f"{shown(path)}: missing key {missing[0]!r}") from None
    for key in ("base_url", "license"):
        if not getattr(settings, key).startswith(("http://", "https://")):
            raise ConfigurationError(f"{shown(path)}: key {key!r} must be an http(s) address")
    if not settings.base_url.endswith("/"):
        raise ConfigurationError(f"{shown(path)}: key 'base_url' must end with '/'")
    return settings


def _texts(graph: Graph, subject, predicate, **by_language: str) -> None:
    for language, text in by_language.items():
        graph.add((subject, predicate, Literal(text, lang=language)))


def record(profile: Profile, files: list[str], counties: list[tuple[str, str]], settings: Publishing,
           redacted: bool = False) -> bytes:
    """The DCAT-AP-SE record of an output tree: ``files`` are the published files' paths in it,
    ``counties`` the (code, name) of every county with a project."""
    base = settings.base_url
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dcterms", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    graph.bind("skos", SKOS)
    catalog, dataset, publisher = URIRef(f"{base}catalog"), URIRef(f"{base}dataset"), URIRef(f"{base}publisher")

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(settings.publisher_name)))
    graph.add((publisher, DCTERMS.type, PUBLISHER_TYPE[settings.publisher_type]))

    graph.add((catalog, RDF.type, DCAT.Catalog))
    _texts(graph, catalog, DCTERMS.title, sv=f"Data ur {profile.title}", en=f"Data from {profile.title}")
    _texts(graph, catalog, DCTERMS.description,
           sv=f"Strukturerade och validerade data ur rapporten {profile.title} ({profile.publisher}).",
           en=f"Structured, validated data from the report {profile.title} ({profile.publisher}).")
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.license, URIRef(settings.license)))
    graph.add((catalog, DCTERMS.language, SWEDISH))
    graph.add((catalog, DCAT.themeTaxonomy, THEME_TAXONOMY))
    graph.add((catalog, DCAT.dataset, dataset))

    redaction_sv = " Namn, e-postadresser och telefonnummer till personer är ersatta med pseudonymer." if redacted else ""
    redaction_en = " Names, e-mail addresses and phone numbers of people are pseudonyms." if redacted else ""
    graph.add((dataset, RDF.type, DCAT.Dataset))
    _texts(graph, dataset, DCTERMS.title, sv=f"{profile.title}: regionala projekt, strukturerade data",
           en=f"{profile.title}: regional projects, structured data")
    _texts(graph, dataset, DCTERMS.description,
           sv=(f"Varje regions projekt ur {profile.publisher}s rapport {profile.title}: kontakter, samverkanspartner, "
               "mål, syfte och antal, med organisationer kopplade till ett register och varje värde knutet till "
               f"texten det lästes ur. Kvalitetsanmärkningar visar vilka värden som bör granskas.{redaction_sv}"),
           en=(f"Each region's project in {profile.publisher}'s report {profile.title}: contacts, partners, goals, "
               "purpose and counts, with organisations linked to a registry and every value tied to the text it "
               f"was read from. Quality findings say which values to review.{redaction_en}"))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCTERMS.language, SWEDISH))
    graph.add((dataset, DCTERMS.license, URIRef(settings.license)))
    for theme in ("ECON", "SOCI", "REGI"):
        graph.add((dataset, DCAT.theme, THEME[theme]))
    for sv, en in (("socialt företagande", "social enterprise"), ("sociala företag", "social enterprises"),
                   ("regional utveckling", "regional development"), ("samhällsentreprenörskap", "social entrepreneurship")):
        _texts(graph, dataset, DCAT.keyword, sv=sv, en=en)
    graph.add((dataset, DCTERMS.spatial, SWEDEN))
    for code, name in counties:
        place = URIRef(f"{base}county/{code}")
        graph.add((dataset, DCTERMS.spatial, place))
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((place, SKOS.prefLabel, Literal(name, lang="sv")))
        graph.add((place, SKOS.notation, Literal(code)))  # the county's code at Statistics Sweden (SCB)
    if settings.landing_page:
        graph.add((dataset, DCAT.landingPage, URIRef(settings.landing_page)))
    if settings.contact_email:
        contact = URIRef(f"{base}contact")
        graph.add((dataset, DCAT.contactPoint, contact))
        graph.add((contact, RDF.type, VCARD.Organization))
        graph.add((contact, VCARD.fn, Literal(settings.contact_name)))
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{settings.contact_email}")))

    for path in sorted(files):
        suffix = Path(path).suffix
        if suffix not in FORMATS:
            continue
        file_type, media_type = FORMATS[suffix]
        distribution = URIRef(f"{base}distribution/{path}")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.accessURL, URIRef(f"{base}{path}")))
        graph.add((distribution, DCAT.downloadURL, URIRef(f"{base}{path}")))
        graph.add((distribution, DCTERMS.title, Literal(path)))
        graph.add((distribution, DCTERMS.format, FILE_TYPE[file_type]))
        graph.add((distribution, DCAT.mediaType, MEDIA_TYPE[media_type]))
        graph.add((distribution, DCTERMS.license, URIRef(settings.license)))
    return rdf_xml(graph)


def _qname(graph: Graph, uri: URIRef) -> str:
    prefix, namespace, name = graph.compute_qname(uri)
    return f"{prefix}:{name}"


def rdf_xml(graph: Graph) -> bytes:
    """The graph as RDF/XML in a stable order (subjects, then their properties, sorted), so the same
    data gives the same bytes in every process (rdflib's own serialisers follow its set order, which
    changes with the hash seed). Each subject is one element named after its type."""
    from xml.sax.saxutils import escape, quoteattr

    namespaces = {prefix: str(uri) for prefix, uri in graph.namespaces()
                  if prefix in ("rdf", "dcat", "dcterms", "foaf", "vcard", "skos")}
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f"  xmlns:{prefix}={quoteattr(uri)}" for prefix, uri in sorted(namespaces.items())]
    lines[-1] += ">"
    for subject in sorted(set(graph.subjects()), key=str):
        kind = next(iter(sorted(graph.objects(subject, RDF.type), key=str)), None)
        tag = _qname(graph, kind) if kind is not None else "rdf:Description"
        lines.append(f"  <{tag} rdf:about={quoteattr(str(subject))}>")
        for predicate, value in sorted(graph.predicate_objects(subject), key=lambda po: (str(po[0]), str(po[1]))):
            if predicate == RDF.type and value == kind:
                continue
            name = _qname(graph, predicate)
            if isinstance(value, Literal):
                language = f" xml:lang={quoteattr(value.language)}" if value.language else ""
                lines.append(f"    <{name}{language}>{escape(str(value))}</{name}>")
            else:
                lines.append(f"    <{name} rdf:resource={quoteattr(str(value))}/>")
        lines.append(f"  </{tag}>")
    lines.append("</rdf:RDF>")
    return ("\n".join(lines) + "\n").encode("utf-8")
