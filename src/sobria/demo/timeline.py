"""The demo's calendar and the company's behaviour on each day, before and after the charter.

Working days are Monday to Friday in Europe/Paris, French public holidays excluded, from
2 January to 31 July 2025. The charter is adopted on 17 March 2025; the training that follows
takes three weeks (15 working days), during which habits move linearly to the new regime.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sobria.audit import workdays

START = dt.date(2025, 1, 2)
END = dt.date(2025, 7, 31)
CHARTER = dt.date(2025, 3, 17)
LATE_ADOPTION = dt.date(2025, 4, 7)     # end of the three weeks of training
TRAINING_WORKING_DAYS = 15
TIME_ZONE = "Europe/Paris"



def working_days(start: dt.date = START, end: dt.date = END) -> tuple[dt.date, ...]:
    """The demo's working days: the audit's definition (French public holidays from ``holidays``)."""
    return workdays.working_days(start, end)


@dataclass(frozen=True)
class Regime:
    """Behaviour on one day; every probability moves from its "before" to its "after" value."""

    progress: float            # 0 before the charter, 1 once everyone is trained
    daily_low: int             # requests per working day, all tools
    daily_high: int
    heavy_simple: float        # P(heavy model) for a chat task that does not need it
    heavy_complex: float       # P(heavy model) for a complex task
    legacy_heavy: float        # share of the heavy requests still sent to gpt-4
    rewrite_chain: float       # P(a text someone polishes turns into a reformulation chain)
    rewrite_mean_extra: float  # mean number of extra versions in such a chain
    regeneration: float        # P(an answer is regenerated as is, once or more)
    internal_images: float     # P(an internal document still gets a generated image)
    image_used: float          # P(a generated image is used in the end)
    image_variants: float      # mean number of extra images generated before choosing
    chatbot_heavy: float       # P(the support chatbot runs on the heavy model)
    late_adopters: bool        # the trained former non-users now use AI


def _mix(before: float, after: float, progress: float) -> float:
    return before + (after - before) * progress


def regime_for(day: dt.date, charter_rank: int) -> Regime:
    """``charter_rank``: working days since the charter (negative before it)."""
    progress = 0.0 if charter_rank < 0 else min(1.0, (charter_rank + 1) / TRAINING_WORKING_DAYS)
    return Regime(
        progress=progress,
        daily_low=round(_mix(200, 160, progress)),
        daily_high=round(_mix(300, 240, progress)),
        heavy_simple=_mix(0.93, 0.08, progress),
        heavy_complex=_mix(0.97, 0.65, progress),
        legacy_heavy=_mix(0.12, 0.0, progress),
        rewrite_chain=_mix(0.45, 0.07, progress),
        rewrite_mean_extra=_mix(3.5, 1.2, progress),
        regeneration=_mix(0.10, 0.015, progress),
        internal_images=_mix(1.0, 0.04, progress),
        image_used=_mix(0.4, 0.85, progress),
        image_variants=_mix(1.5, 0.4, progress),
        chatbot_heavy=_mix(1.0, 0.0, progress),
        late_adopters=day >= LATE_ADOPTION,
    )
