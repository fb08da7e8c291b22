"""Regions: the wall circuit a machine plugs into, and where relevant its tax defaults.

A region is a named setting (``--region``); every figure carries its source. The 80%
continuous-load rule is the US National Electrical Code's (NEC 210.19(A)(1), 210.20(A)):
a load running three hours or more may use 80% of the breaker rating. Other regions have
no such code rule; dlrig applies the same 80% as a *rule of thumb* and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlrig.errors import BadInput

CONTINUOUS_FRACTION = 0.8  # NEC 80% rule; a rule-of-thumb default outside the US

# US average residential electricity price: EIA Electricity Monthly Update with data for April
# 2024 (released 2024-06-26), "Retail Service by Customer Sector", residential 16.88 cents/kWh
# (average revenue per kWh, EIA's proxy for the price). `dlrig cost` uses it by default.
US_KWH_PRICE_USD = 0.1688
US_KWH_SOURCE = ("US EIA, Electricity Monthly Update, data for April 2024 (released 2024-06-26): "
                 "US residential average 16.88 cents/kWh; "
                 "https://www.eia.gov/electricity/monthly/update/end-use.php")
US_KWH_DATE = "2024-04"


@dataclass(frozen=True)
class Region:
    key: str
    description: str
    volts: float
    circuit_amps: float
    continuous_fraction: float
    source: str
    tax_rate: float | None = None  # None: varies (US states); the user passes --tax-rate
    tax_note: str = ""
    kwh_price_usd: float | None = None  # None: no sourced figure for this region
    kwh_source: str = ""
    kwh_date: str = ""

    @property
    def circuit_w(self) -> float:
        return self.volts * self.circuit_amps

    @property
    def continuous_w(self) -> float:
        return self.circuit_w * self.continuous_fraction


REGIONS: dict[str, Region] = {
    r.key: r
    for r in (
        Region("us-120v", "US/Canada 120 V, 15 A branch circuit (NEMA 5-15)", 120, 15,
               CONTINUOUS_FRACTION, "NEC 210.19(A)(1)/210.20(A); NEMA 5-15 rating",
               tax_note="US sales tax varies by state and city; pass --tax-rate",
               kwh_price_usd=US_KWH_PRICE_USD, kwh_source=US_KWH_SOURCE, kwh_date=US_KWH_DATE),
        Region("us-120v-20a", "US 120 V, 20 A branch circuit (NEMA 5-20)", 120, 20,
               CONTINUOUS_FRACTION, "NEC 210.19(A)(1)/210.20(A); NEMA 5-20 rating",
               tax_note="US sales tax varies by state and city; pass --tax-rate",
               kwh_price_usd=US_KWH_PRICE_USD, kwh_source=US_KWH_SOURCE, kwh_date=US_KWH_DATE),
        Region("us-240v", "US 240 V, 20 A circuit (NEMA 6-20)", 240, 20,
               CONTINUOUS_FRACTION, "NEC 210.19(A)(1)/210.20(A); NEMA 6-20 rating",
               tax_note="US sales tax varies by state and city; pass --tax-rate",
               kwh_price_usd=US_KWH_PRICE_USD, kwh_source=US_KWH_SOURCE, kwh_date=US_KWH_DATE),
        Region("eu-230v", "Continental Europe 230 V, 16 A circuit (CEE 7 / Schuko)", 230, 16,
               CONTINUOUS_FRACTION, "IEC 60038 230 V; CEE 7/3 socket rated 16 A; 80% is a rule of thumb here",
               tax_note="VAT differs by country and is usually in the shelf price"),
        Region("uk-230v", "UK 230 V, 13 A plug fuse (BS 1363)", 230, 13,
               CONTINUOUS_FRACTION, "BS 1363 plug fuse 13 A; 80% is a rule of thumb here",
               tax_note="VAT is included in UK shelf prices"),
    )
}


def get_region(key: str | None) -> Region:
    """The region named by ``key`` (default us-120v); unknown names list the known ones."""
    if key is None:
        return REGIONS["us-120v"]
    try:
        return REGIONS[key]
    except KeyError:
        raise BadInput(f"unknown region {key!r}; one of: {', '.join(REGIONS)}") from None
