"""The named defaults of the cost model, each with its source and date (docs/domain.md section 7).

Every default here is a setting the CLI exposes; outputs name the constant they used, so a
reader can tell a measured or quoted figure from a rule of thumb.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dlrig.regions import US_KWH_DATE, US_KWH_PRICE_USD, US_KWH_SOURCE


@dataclass(frozen=True)
class Figure:
    """A number with where it came from and how old it is."""

    value: float
    source: str
    date_text: str  # as the source dates it ("2024-04", "about 2025, unverified")
    date: dt.date | None = None  # the latest day the figure can describe, where known
    rule_of_thumb: bool = False
    note: str = ""


# The default electricity price: the US residential average (regions.py has the citation).
US_RESIDENTIAL_KWH = Figure(
    value=US_KWH_PRICE_USD,
    source=US_KWH_SOURCE,
    date_text=US_KWH_DATE,
    date=dt.date(2024, 4, 30),
    note="a national average; states range from about 8 to 30 cents/kWh (same EIA page)",
)

# docs/domain.md 7: "GPUs lose roughly 15-25% of resale value a year (rule of thumb)". The midpoint,
# applied as a declining balance to the parts total (pre-tax): resale = parts x (1 - d)^years.
DEPRECIATION_PER_YEAR = Figure(
    value=0.20,
    source="rule of thumb: GPUs lose roughly 15-25% of resale value a year (docs/domain.md section 7)",
    date_text="rule of thumb",
    rule_of_thumb=True,
    note="midpoint of 15-25%, declining balance on the parts total; pass --depreciation",
)

DEFAULT_YEARS = 3.0  # the ownership horizon for resale; a common GPU refresh cycle, a setting
DEFAULT_UTILIZATION = 1.0  # share of the working hours it trains: 1 = busy whenever it works; pass --utilization
DEFAULT_HOURS_PER_DAY = 24.0  # a training box runs while jobs are queued; pass --hours-per-day
DAYS_PER_MONTH = 365.25 / 12  # calendar average, so months x 12 = a year
