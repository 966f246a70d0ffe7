"""Every path the pipeline uses, declared once from one root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"


@dataclass(frozen=True)
class Paths:
    """The three data layers: ``raw`` (read only), ``interim`` (cache) and ``output`` (contract)."""

    raw: Path
    interim: Path
    output: Path

    @classmethod
    def from_root(cls, root: Path) -> "Paths":
        return cls(raw=root / "raw", interim=root / "interim", output=root / "output")

    def interim_document(self, document_id: str) -> Path:
        return self.interim / document_id

    @property
    def json_dir(self) -> Path:
        return self.output / "json"

    @property
    def parquet_dir(self) -> Path:
        return self.output / "parquet"
