"""Every rule, listed explicitly, in the order reports show them; renamed codes; what is not checked.

Codes are permanent: a renamed rule keeps its old code in ``ALIASES``,
so a script or a suppression written against the old spelling keeps working.
"""

from __future__ import annotations

from dlrig.errors import BadInput
from dlrig.rules import balance, physical, platform, power, storage
from dlrig.rules.base import Rule

RULES: tuple[Rule, ...] = (
    *platform.RULES, *physical.RULES, *power.RULES, *balance.RULES, *storage.RULES,
)
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}

# old code -> current code
ALIASES: dict[str, str] = {
    "CPU-SOCKET": "SOCKET",
    "RAM-TYPE": "MEMORY-TYPE",
    "PSU-WATTAGE": "PSU-WATTS",
    "PCIE-CONNECTORS": "PSU-CONNECTORS",
    "CASE-FORM-FACTOR": "FORM-FACTOR",
    "GPU-SPACING": "GPU-SLOTS",
    "CORES-PER-GPU": "CPU-CORES-PER-GPU",
    "BACKUP": "DATA-BACKUP",
}

# What no rule checks: shown with every report, so silence is never read as a pass.
NOT_CHECKED: tuple[str, ...] = (
    "BIOS version: whether the board's firmware supports the CPU out of the box",
    "M.2 drives that take lanes from PCIe slots or disable SATA ports",
    "ECC support of unbuffered kits, and RDIMM support on boards that list ECC",
    "memory speed and the board's qualified memory list",
    "PSU cables: lengths, and daisy-chained PCIe leads (one cable, two connectors)",
    "case airflow, fan count and direction, and radiator mounts",
    "GPU height and width past the bracket (side-panel clearance), and sag brackets",
    "GPU power spikes beyond the PSU's rating (ATX 3.x compliance)",
    "drivers, CUDA versions and framework support for old or new GPUs",
    "noise and room temperature",
)


def get_rule(code: str) -> Rule:
    """A rule by its code or an old alias, forgiving of case; unknown codes list the close ones."""
    wanted = code.strip().upper().replace("_", "-").replace(" ", "-")
    wanted = ALIASES.get(wanted, wanted)
    if wanted in BY_CODE:
        return BY_CODE[wanted]
    from rapidfuzz import process

    close = [c for c, _s, _i in process.extract(wanted, list(BY_CODE) + list(ALIASES), limit=3)]
    raise BadInput(f"unknown rule {code!r}; closest: {', '.join(close)} (dlrig rules lists them all)")
