"""``dlrig seed``: the 2015 seed post's claims, each checked with dlrig's own tools."""

from __future__ import annotations

import typer

from dlrig.cli import app
from dlrig.cli.common import catalog, console, emit_json, handle_errors

MARK = {"holds": "✓ holds", "flagged": "! flagged", "dated": "~ dated", "unverified": "? unverified"}


@app.command()
@handle_errors
def seed(json_out: bool = typer.Option(False, "--json", help="print one JSON document")) -> None:
    """Check the seed post's claims: the GPU table, the parts, power, memory, disk, cost."""
    from dlrig.catalog.sources_info import SEED_POST
    from dlrig.claims import as_json, seed_claims

    claims = seed_claims(catalog())
    if json_out:
        emit_json({"post": SEED_POST, "claims": as_json(claims)})
        return
    out = console()
    for c in claims:
        out.print(f"[bold]{MARK[c.verdict]}[/bold]  {c.topic}: “{c.quote}”")
        out.print(f"      {c.evidence}")
        out.print(f"      [dim]source: {c.source}[/dim]")
