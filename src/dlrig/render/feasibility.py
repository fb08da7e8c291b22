"""Terminal views shared by ``fit`` and ``gpus``: what was left out and why, what was assumed,
and (fit) the nearest requests that work. They read the services' JSON documents."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

# The request keys the advice names, as ``dlrig fit`` spells them on the command line.
FLAGS = {"seq": "--seq {value}", "recompute": "--recompute {value}", "qlora": "--qlora", "batch": "--batch {value}",
         "weights": "--weights {value}", "kv_cache": "--kv-cache {value}", "servers": "--servers"}


def excluded(con: Console, rows: list[dict[str, Any]], explain: bool, what: str = "GPU chips") -> None:
    """A count per code, or with ``explain`` every part and its reason."""
    if not rows:
        return
    if not explain:
        codes = ", ".join(f"{n} {code}" for code, n in Counter(r["code"] for r in rows).most_common())
        con.print(f"[dim]left out: {len(rows)} {what} that cannot run this request ({codes}); "
                  "--explain lists them with the reason[/]")
        return
    t = Table(title=f"left out: {len(rows)} {what} that cannot run this request", title_justify="left")
    for col in ("GPU", "code", "reason"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(escape(r["gpu"]), r["code"], escape(r["reason"]))
    con.print(t)


def assumptions(con: Console, rows: list[dict[str, Any]]) -> None:
    """Every default the answer was sized at, with whether it was given and why."""
    if not rows:
        return
    con.print("assumed: " + ", ".join(f"{a['key']} {a['value']}" + (" (given)" if a["given"] else "")
                                      for a in rows))
    for a in rows:
        if not a["given"]:
            con.print(f"[dim]  {a['key']} {a['value']}: {escape(str(a['why']))}[/]")


def software(con: Console, feasibility: dict[str, Any] | None) -> None:
    rule = (feasibility or {}).get("software")
    if rule:
        con.print(f"[dim]software rule: {rule['name']} (as of {rule['as_of']}); sources: "
                  f"{', '.join(rule['sources'])}[/]")


def advice(con: Console, doc: dict[str, Any]) -> None:
    """Nothing fits: by how much, and each single change that makes a GPU fit."""
    found = doc.get("advice")
    if not found:
        return
    short = found.get("shortfall")
    if short:
        con.print(f"[bold]nothing fits[/]: the closest is {short['gpus']} x {escape(short['gpu'])}, each GPU "
                  f"{short['short_gb']:,.1f} GB short")
    alts = found.get("alternatives") or []
    if not alts:
        con.print("no single change of sequence, recomputation, adapters, batch, format or part class makes it fit")
        return
    con.print("nearest requests that fit (each fitted again):")
    for a in alts:
        flag = FLAGS.get(a["field"], "{value}").format(value=a["value"])
        cost = f", ${a['cost_usd']:,.0f}" if a["cost_usd"] is not None else ""
        con.print(f"  {flag}: {a['change']} -> {a['gpus']} x {escape(a['gpu'])}{cost}")
