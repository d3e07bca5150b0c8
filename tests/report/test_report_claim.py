"""A claimed annual figure checked against the measured one (hand-computed from the sample)."""

from __future__ import annotations

import dataclasses

import pytest
from tests.report.report_sample import empty_result, sample_result

from sobria.ranges import Range
from sobria.report.claim import check_claim

# Sample: 1,000 requests, 2–6 kg over 73 days (x 5 a year), 53 working days, gpt-4o 500 requests 1.5–4.5 kg.


def test_case_study_claim_is_too_high_and_what_it_would_take() -> None:
    c = check_claim(2.4, sample_result().kpis)
    assert c is not None
    assert c.verdict == "too-high"
    assert c.ratio == pytest.approx(2.4 / 0.02)                      # 120 times the measured central value
    assert c.annual_requests == pytest.approx(5000)
    assert c.g_per_request == Range(2.0, 6.0)
    assert c.needed_g_per_request == pytest.approx(480)             # 2.4 t / 5,000 requests
    assert c.requests_per_working_day == pytest.approx(1000 / 53)
    assert c.needed_requests_per_working_day.min == pytest.approx(1000 / 53 * 80)   # 2.4 / 0.03
    assert c.needed_requests_per_working_day.max == pytest.approx(1000 / 53 * 240)  # 2.4 / 0.01
    assert c.heaviest_model == "gpt-4o"
    assert c.heaviest_g_per_request == pytest.approx(9.0)           # 4.5 kg / 500 requests
    assert c.heaviest_t_per_year == pytest.approx(0.045)


@pytest.mark.parametrize(("claimed", "verdict"), [(0.01, "consistent"), (0.02, "consistent"), (0.03, "consistent"),
                                                  (0.031, "too-high"), (0.005, "too-low")])
def test_verdict_follows_the_measured_range(claimed: float, verdict: str) -> None:
    c = check_claim(claimed, sample_result().kpis)
    assert c is not None
    assert c.verdict == verdict


def test_nothing_measured_gives_no_check() -> None:
    assert check_claim(2.4, empty_result().kpis) is None


def test_no_heavier_model_than_the_average() -> None:
    kpis = dataclasses.replace(sample_result().kpis, by_model=[])
    c = check_claim(2.4, kpis)
    assert c is not None
    assert (c.heaviest_model, c.heaviest_g_per_request) == (None, 6.0)
