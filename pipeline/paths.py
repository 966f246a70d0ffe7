"""The package's own folders, declared once. (The data folders raw/, interim/ and output/ are the
CLI's options; the runner receives them as arguments.)"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"
PROFILES_DIR = PACKAGE_DIR / "profiles"
