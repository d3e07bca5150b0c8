"""Only some result columns of the vectorised estimate: the same floats as the whole frame's."""

from __future__ import annotations

import numpy as np
import pytest

from sobria.analytics.synthetic import generate_events
from sobria.catalog import Catalog
from sobria.impact import Estimator, estimate_frame
from sobria.impact.frame import RESULT_COLUMNS, estimate_columns


def test_estimate_columns_are_the_frames_columns(catalog: Catalog) -> None:
    events = generate_events(3_000, catalog, months=1, seed=5)
    whole = estimate_frame(Estimator(catalog), events)
    some = estimate_columns(Estimator(catalog), events, ("gwp_kgco2e_min", "gwp_kgco2e_max", "cost_eur"))
    assert list(some) == ["gwp_kgco2e_min", "gwp_kgco2e_max", "cost_eur"]
    for name in ("gwp_kgco2e_min", "gwp_kgco2e_max"):
        assert np.array_equal(some[name], whole[name].to_numpy(), equal_nan=True)
    assert np.array_equal(some["cost_eur"], whole["cost_eur"].fill_null(np.nan).to_numpy(), equal_nan=True)
    every = estimate_columns(Estimator(catalog), events, RESULT_COLUMNS[:11])
    assert all(np.array_equal(every[c], whole[c].fill_null(np.nan).to_numpy(), equal_nan=True) for c in every)
    with pytest.raises(ValueError):
        estimate_columns(Estimator(catalog), events, ("status",))
