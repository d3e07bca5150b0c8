"""A claimed annual figure checked against the measured one, and what it would take to reach it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sobria.audit.kpis import Kpis
from sobria.audit.period import DAYS_PER_YEAR
from sobria.ranges import Range

Verdict = Literal["consistent", "too-high", "too-low"]


@dataclass(frozen=True)
class ClaimCheck:
    claimed_t: float
    measured_t: Range                    # annualised measured footprint, t CO2e per year
    verdict: Verdict
    ratio: float                         # claimed / measured central
    annual_requests: float
    g_per_request: Range                 # measured, g CO2e per request
    needed_g_per_request: float          # to reach the claim at the measured volume
    requests_per_working_day: float      # measured
    needed_requests_per_working_day: Range  # to reach the claim at the measured g per request (max..min)
    heaviest_model: str | None
    heaviest_g_per_request: float        # the most carbon-intensive model seen, at its max
    heaviest_t_per_year: float           # every request on that model, at its max


def check_claim(claimed_t: float, kpis: Kpis) -> ClaimCheck | None:
    """None when there is nothing measured to compare with (no request or no carbon)."""
    total = kpis.totals
    measured = kpis.annual_gwp_t
    if total.requests <= 0 or measured.min <= 0 or kpis.period.days <= 0:
        return None
    annual_requests = total.requests * DAYS_PER_YEAR / kpis.period.days
    per_request = total.gwp_kgco2e.scale(1000 / total.requests)
    per_day = total.requests / max(kpis.period.working_days, 1)
    verdict: Verdict = ("consistent" if measured.min <= claimed_t <= measured.max
                        else "too-high" if claimed_t > measured.max else "too-low")
    heaviest_model, heaviest_g = None, per_request.max
    for model, t in kpis.by_model:
        if t.requests > 0 and t.gwp_kgco2e.max * 1000 / t.requests > heaviest_g:
            heaviest_model, heaviest_g = model, t.gwp_kgco2e.max * 1000 / t.requests
    return ClaimCheck(
        claimed_t=claimed_t, measured_t=measured, verdict=verdict, ratio=claimed_t / measured.central,
        annual_requests=annual_requests, g_per_request=per_request,
        needed_g_per_request=claimed_t * 1e6 / annual_requests,
        requests_per_working_day=per_day,
        needed_requests_per_working_day=Range(per_day * claimed_t / measured.max, per_day * claimed_t / measured.min),
        heaviest_model=heaviest_model, heaviest_g_per_request=heaviest_g,
        heaviest_t_per_year=heaviest_g * annual_requests / 1e6,
    )
