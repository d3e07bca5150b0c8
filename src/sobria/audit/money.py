"""The money figures, each named for what it is.

Three different amounts are easily confused:

- the **catalogue API price** (``list_price_eur``): the requests' tokens and images at the
  providers' public per-token prices — what the usage *would* cost on the pay-as-you-go API, not
  what the company pays for a seat-based subscription;
- the **reported cost** (``reported_eur``): amounts the sources themselves give (an API usage export);
- the **contract cost** (``contract_eur``): what the company really pays, from its company file
  (:mod:`sobria.audit.company`), prorated to the audited period.

The spend-based cross-check uses, tool by tool, the best amount known: contract, else reported,
else catalogue price; ``spend_source`` says which were used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sobria.audit.company import Company
from sobria.audit.period import Period
from sobria.audit.totals import Totals

SpendBasis = Literal["contract", "reported", "list-price"]


@dataclass(frozen=True)
class ToolMoney:
    tool: str
    list_price_eur: float               # catalogue API price of this tool's requests
    reported_eur: float                 # cost the sources reported (0 when none)
    contract_eur: float | None          # from the company file, prorated to the period
    basis: SpendBasis                   # which of the three the spend uses

    @property
    def spend_eur(self) -> float:
        return {"contract": self.contract_eur or 0.0, "reported": self.reported_eur,
                "list-price": self.list_price_eur}[self.basis]


@dataclass(frozen=True)
class Money:
    list_price_eur: float
    reported_eur: float
    contract_eur: float | None          # None when no company file gives a cost
    by_tool: tuple[ToolMoney, ...]
    spend_eur: float                    # the best known spend, summed over tools
    spend_source: str                   # "contract", "reported", "list-price" or "mixed"

    def as_dict(self) -> dict[str, object]:
        return {"list_price_eur": self.list_price_eur, "reported_eur": self.reported_eur,
                "contract_eur": self.contract_eur, "spend_eur": self.spend_eur, "spend_source": self.spend_source,
                "by_tool": [{"tool": t.tool, "list_price_eur": t.list_price_eur, "reported_eur": t.reported_eur,
                             "contract_eur": t.contract_eur, "basis": t.basis} for t in self.by_tool]}


def tool_money(tool: str, totals: Totals | None, company: Company | None, period: Period) -> ToolMoney:
    listed = totals.list_cost_eur if totals is not None else 0.0
    reported = totals.reported_cost_eur if totals is not None else 0.0
    cost = company.cost_of(tool) if company is not None else None
    contract = cost.over_days(period.days) if cost is not None else None
    basis: SpendBasis = "contract" if contract is not None else "reported" if reported > 0 else "list-price"
    return ToolMoney(tool, listed, reported, contract, basis)


def compute_money(by_tool: list[tuple[str, Totals]], company: Company | None, period: Period) -> Money:
    """Every tool seen in the data, plus every tool the company file pays for (used or not)."""
    seen = dict(by_tool)
    paid = [c.tool for c in company.costs] if company is not None else []
    tools = [*seen, *(t for t in paid if t not in seen)]
    rows = tuple(tool_money(t, seen.get(t), company, period) for t in tools)
    bases = {r.basis for r in rows if r.spend_eur > 0 or r.basis == "contract"}
    contract = sum(r.contract_eur or 0.0 for r in rows) if paid else None
    return Money(
        list_price_eur=sum(r.list_price_eur for r in rows), reported_eur=sum(r.reported_eur for r in rows),
        contract_eur=contract, by_tool=rows, spend_eur=sum(r.spend_eur for r in rows),
        spend_source=next(iter(bases)) if len(bases) == 1 else "mixed" if bases else "list-price")
