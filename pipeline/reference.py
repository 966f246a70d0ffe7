"""Reference data: counties, section labels, roles, organisations and web-page leftovers.

The facts live in CSV files beside this module (``reference/``), each with its source; this module
only loads them into typed, read-only values.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.errors import ConfigurationError
from pipeline.paths import REFERENCE_DIR
from pipeline.slugs import slugify


def _rows(name: str) -> list[dict[str, str]]:
    path = REFERENCE_DIR / name
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except (OSError, csv.Error) as exc:
        raise ConfigurationError(f"{path}: cannot read reference data ({exc})") from exc


@dataclass(frozen=True)
class County:
    county_code: str
    county_name: str
    short_name: str
    region_body: str
    region_aliases: tuple[str, ...]

    @property
    def region_organisation_id(self) -> str:
        return slugify(self.region_body)


@dataclass(frozen=True)
class Label:
    section: str
    label: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Organisation:
    organisation_id: str
    name: str
    kind: str | None
    aliases: tuple[str, ...]
    source: str


@lru_cache(maxsize=None)
def counties() -> tuple[County, ...]:
    """All 21 Swedish counties with their SCB county code, in code order."""
    result = tuple(
        County(
            county_code=row["county_code"],
            county_name=row["county_name"],
            short_name=row["short_name"],
            region_body=row["region_body"],
            region_aliases=tuple(a for a in row["region_aliases"].split("|") if a),
        )
        for row in _rows("counties.csv")
    )
    if len(result) != 21 or len({c.county_code for c in result}) != 21:
        raise ConfigurationError(f"{REFERENCE_DIR / 'counties.csv'}: expected 21 distinct counties")
    return result


def county_by_code(code: str) -> County:
    return next(c for c in counties() if c.county_code == code)


def _labels(name: str) -> tuple[Label, ...]:
    return tuple(
        Label(
            section=row["section"],
            label=row["label"],
            pattern=re.compile(row["pattern"], re.IGNORECASE),
        )
        for row in _rows(name)
    )


@lru_cache(maxsize=None)
def section_labels() -> tuple[Label, ...]:
    """Known section labels and the spellings they come in."""
    return _labels("labels.csv")


@lru_cache(maxsize=None)
def sub_labels() -> tuple[Label, ...]:
    """Labels that sit inside a section and do not start a new one (``Arbetsgrupp:``)."""
    return _labels("sublabels.csv")


@lru_cache(maxsize=None)
def roles() -> dict[str, str]:
    """Raw role as written (case-folded) -> normalised role."""
    return {row["raw"].casefold(): row["role"] for row in _rows("roles.csv")}


@lru_cache(maxsize=None)
def web_leftovers() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Patterns of web-page furniture that is removed from the text, with what each one is."""
    return tuple(
        (re.compile(row["pattern"], re.IGNORECASE | re.MULTILINE), row["note"])
        for row in _rows("web_leftovers.csv")
    )


@lru_cache(maxsize=None)
def organisations() -> tuple[Organisation, ...]:
    """The organisation registry, plus one regional body per county."""
    registry = [
        Organisation(
            organisation_id=row["organisation_id"],
            name=row["name"],
            kind=row["kind"] or None,
            aliases=tuple(a for a in row["aliases"].split("|") if a),
            source=row["source"],
        )
        for row in _rows("organisations.csv")
    ]
    for county in counties():
        registry.append(
            Organisation(
                organisation_id=county.region_organisation_id,
                name=county.region_body,
                kind="region",
                aliases=county.region_aliases,
                source=f"counties.csv, SCB county code {county.county_code}",
            )
        )
    ids = [o.organisation_id for o in registry]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigurationError(f"organisations.csv: duplicate organisation_id {duplicates}")
    return tuple(registry)


def reference_files() -> list[Path]:
    return sorted(REFERENCE_DIR.glob("*.csv"))
