"""A quoted total ("about $6,000 after tax"), checked against the build's own priced total.

The check says what the build comes to at the tax rate in use, how far that is from the quote,
and which tax rate would make the two equal; "about" is read as within ``ABOUT`` (5 %) either
way. A build with an unpriced part cannot confirm or refute a quote: its verdict is
"unverified", never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from dlrig.build import QuoteSpec
    from dlrig.cost.purchase import Purchase

ABOUT = 0.05  # "about $X": within 5 % of X, either way (the tool's reading, printed with it)
QuoteVerdict = Literal["holds", "off", "unverified"]


@dataclass(frozen=True)
class QuoteCheck:
    quote: QuoteSpec
    tax_rate: float
    build_usd: float  # the build at ``tax_rate`` (after tax where the quote is), priced parts only
    implied_tax_rate: float | None  # the rate that makes the build cost the quote; None: none can
    verdict: QuoteVerdict

    @property
    def difference_usd(self) -> float:
        """The build less the quote: negative where the build costs less than quoted."""
        return self.build_usd - self.quote.usd

    @property
    def difference_pct(self) -> float:
        return self.difference_usd / self.quote.usd


def check_quote(quote: QuoteSpec, purchase: Purchase, tax_rate: float | None = None) -> QuoteCheck:
    """The quote against ``purchase`` at ``tax_rate`` (default: the purchase's own rate)."""
    rate = purchase.tax_rate if tax_rate is None else tax_rate
    parts = purchase.parts_usd
    if quote.after_tax:
        build = parts * (1 + rate) + purchase.shipping_usd
        implied = (quote.usd - purchase.shipping_usd) / parts - 1 if parts > 0 else None
        implied = implied if implied is not None and implied >= 0 else None
    else:
        build, implied = parts, None
    if purchase.unpriced:
        verdict: QuoteVerdict = "unverified"
    else:
        verdict = "holds" if abs(build - quote.usd) <= ABOUT * quote.usd else "off"
    return QuoteCheck(quote=quote, tax_rate=rate, build_usd=build, implied_tax_rate=implied, verdict=verdict)


def quote_json(c: QuoteCheck) -> dict[str, object]:
    q = c.quote
    return {"usd": q.usd, "after_tax": q.after_tax, "text": q.text, "source": q.source,
            "tax_rate": c.tax_rate, "build_usd": round(c.build_usd, 2), "difference_usd": round(c.difference_usd, 2),
            "difference_pct": round(c.difference_pct, 4),
            "implied_tax_rate": None if c.implied_tax_rate is None else round(c.implied_tax_rate, 4),
            "about": ABOUT, "verdict": c.verdict}
