"""Shared fixtures. The real stanza pipeline is loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("QUOTATTR_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def extractor():  # type: ignore[no-untyped-def]
    """The real Extractor on the bundled models (loaded once)."""
    from quotattr import Extractor

    return Extractor(models="bundled")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared (seed article, PolNeAR, UD data); skips cleanly where it is absent."""
    if not (SHARED / "seed" / "article.txt").is_file():
        pytest.skip(f"../shared not found at {SHARED} (set QUOTATTR_SHARED); this test needs the shared data")
    return SHARED
