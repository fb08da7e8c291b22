"""``dlrig models``: the model zoo, with each model's family, size, context window and source."""

from __future__ import annotations

import typer

from dlrig.cli import app
from dlrig.cli.common import console, emit_json, handle_errors


@app.command()
@handle_errors
def models(
    series: str | None = typer.Option(None, "--family", "--series",
                                      help="only this family (case ignored): Llama 3.1, Qwen2.5, Gemma 3, CNN, ..."),
    as_json: bool = typer.Option(False, "--json", help="print one JSON document"),
) -> None:
    """List the zoo's models (any other transformer: --model-config path/config.json)."""
    from dlrig.errors import BadInput
    from dlrig.workload.zoo import all_models

    rows = [_row(m) for m in all_models()]
    if series:
        rows = [r for r in rows if r["family"].lower() == series.strip().lower()]
        if not rows:
            families = sorted({_row(m)["family"] for m in all_models()})
            raise BadInput(f"no models of family {series!r}; families: {', '.join(families)}")
    if as_json:
        emit_json({"models": rows, "count": len(rows)})
        return
    from rich.table import Table

    t = Table(title=f"Model zoo: {len(rows)} models (estimate any other transformer with --model-config "
                    "config.json)", title_justify="left")
    for col in ("model", "name", "family", "parameters", "active", "context", "source"):
        t.add_column(col, justify="right" if col in ("parameters", "active", "context") else "left",
                     overflow="fold" if col == "source" else "ellipsis")
    for r in rows:
        t.add_row(r["key"], r["name"], r["family"], _size(r["params"]),
                  _size(r["active_params"]) if r["active_params"] < r["params"] else "",
                  f"{r['context']:,}" if r["context"] else "-", _short(r["source"]))
    console().print(t)
    console().print("[dim]source: each transformer's config.json on Hugging Face (the URL in --json); CNNs counted "
                    "by scripts/derive_cnn_figures.py on PyTorch meta tensors[/]")


def _short(source: str) -> str:
    """huggingface.co/<repo> for a config's URL; the torchvision constructor for a counted CNN."""
    import re

    if source.startswith("https://huggingface.co/"):
        return source.removeprefix("https://").removesuffix("/blob/main/config.json")
    found = re.search(r"torchvision\.models\.\w+", source)
    return f"counted: {found.group(0)}" if found else source


def _size(n: float) -> str:
    return f"{n / 1e9:,.2f} B" if n >= 1e9 else f"{n / 1e6:,.1f} M"


def _row(m: object) -> dict:
    from dlrig.workload.zoo import ModelSpec

    assert isinstance(m, ModelSpec)
    c = m.transformer
    return {"key": m.key, "name": m.name, "family": m.series or ("CNN" if m.family == "cnn" else m.family),
            "kind": m.family, "params": m.params, "active_params": m.active_params,
            "context": c.context_window if c else 0, "reference": m.reference, "source": m.source,
            "aliases": list(m.aliases), "notes": list(m.notes)}
