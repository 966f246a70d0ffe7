from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.runner import run as runner
from pipeline.runner.run import extract_document
from pipeline.runner.sources import Source
from pipeline.models import Extraction, Region
from pipeline.profile import default

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "raw" / "tillvaxtverket-sa-arbetar-regionerna.txt"
PROFILE = default()


@pytest.fixture(scope="session")
def seed() -> Extraction:
    extraction, _ = extract_document(Source(SEED, "raw/" + SEED.name, "seed", "text"))
    return extraction


@pytest.fixture(scope="session")
def seed_output(tmp_path_factory) -> Path:
    """The seed extracted into a temporary project; tests only read it."""
    root = tmp_path_factory.mktemp("seed-project")
    (root / "raw").mkdir()
    shutil.copy(SEED, root / "raw" / SEED.name)
    runner.run(root / "raw", root / "interim", root / "output")
    return root / "output"


@pytest.fixture(scope="session")
def regions(seed: Extraction) -> dict[str, Region]:
    """The seed's regions by county code."""
    return {region.county_code: region for region in seed.regions}


def codes(findings, code: str) -> list:
    return [f for f in findings if f.code == code]
