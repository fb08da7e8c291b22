"""`dlrig plan --infer`: the cheapest build for a language model at a target tokens/s (parsing
and output; the search is dlrig.services.plan_infer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dlrig.cli.common import catalog, console, emit_json
from dlrig.cli.progress import busy
from dlrig.errors import BadInput


def _flags(options: dict[str, Any]) -> str:
    return ", ".join(f"--{k.replace('_', '-')}" for k in options)


def infer_options(infer: bool, inference: dict[str, Any], training: dict[str, Any], model: str | None,
                  precision: str | None, seq: int | None, batch: int | None) -> Any:
    """The inference workload of ``plan --infer``; training-only options with it are bad input."""
    from dlrig.workload_request import WorkloadRequest

    if not infer:
        raise BadInput(f"{_flags(inference)} describe{'s' if len(inference) == 1 else ''} an inference plan: add "
                       "--infer", field="infer")
    if training:
        raise BadInput(f"{_flags(training)} appl{'ies' if len(training) == 1 else 'y'} to training plans, not to "
                       "--infer", field=next(iter(training)))
    if model is None:
        raise BadInput("--infer plans a language model: add --model (dlrig models lists them)", field="model")
    if inference.get("tokens_per_s") is None:
        raise BadInput("--infer needs a target: --tokens-per-s N (generated tokens per second)", field="tokens_per_s")
    fields = {k: v for k, v in {**inference, "precision": precision, "seq": seq, "batch": batch}.items()
              if k in ("weights", "kv_cache", "split", "precision", "seq", "batch") and v is not None}
    return WorkloadRequest(model=model, infer=True, **fields)  # only what was given: the build file's workload


def plan_infer(req: Any, tokens_per_s: float | None, basis: str, out: Path | None, as_json: bool,
               explain: bool) -> None:
    from dlrig.plan.infer import InferInfeasible
    from dlrig.services.plan_infer import InferPlanRequest
    from dlrig.services.plan_infer import plan_infer as run

    assert tokens_per_s is not None  # infer_options requires it
    if out is not None:
        from dlrig.atomic import writable_file

        out = writable_file(out)  # before the search: a bad path is said at once
    cat = catalog()
    try:
        with busy("planning for inference: estimating each GPU option and solving …"):
            result = run(InferPlanRequest(req, tokens_per_s, basis.strip().lower()), cat)
    except InferInfeasible as exc:
        if not as_json:
            from rich.console import Console

            from dlrig.render.plan_infer import render_infer_infeasible

            render_infer_infeasible(exc, Console(stderr=True))  # the advice; the causes follow in the error
        raise
    if out is not None:
        from dlrig.cli.plan_cmds import _write

        _write(result.plan, out, cat)
    if as_json:
        emit_json(result)
    else:
        from dlrig.render.plan_infer import render_infer_plan

        render_infer_plan(result.plan, console(), explain)
