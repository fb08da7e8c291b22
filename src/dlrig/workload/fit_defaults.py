"""What ``fit`` assumes where the user says nothing, and why: the recipe it sizes memory for.

Fine-tuning a language model (LoRA, QLoRA, or a full fine-tune of a model over 1B
parameters) follows today's common recipes rather than the model's pre-training context:

- sequence 2048: Hugging Face PEFT's QLoRA example (examples/sft/run_peft_qlora_fsdp.sh,
  ``--max_length 2048``); TRL's SFTConfig defaults to 1024 (trl/trainer/sft_config.py);
- activation recomputation (gradient checkpointing) on: the QLoRA reference code defaults to
  it ("Use gradient checkpointing. You want to use this.", artidoro/qlora qlora.py), TRL's
  SFTConfig defaults ``gradient_checkpointing`` to True, and PEFT's example turns it on;
- micro-batch 1 per GPU, the batch grown by gradient accumulation: the QLoRA paper's scripts
  (scripts/finetune_guanaco_*.sh: ``--per_device_train_batch_size 1
  --gradient_accumulation_steps 16``).

Everything else keeps the workload model's defaults (dlrig.workload.estimate): a CNN at its
reference batch, BERT at SQuAD's 384 tokens, the precision of dlrig.defaults. Every default is
reported, with whether it was given and why, so each output can print its assumptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dlrig.workload.zoo import ModelSpec
from dlrig.workload_request import WorkloadRequest

FINETUNE_SEQ = 2048
FINETUNE_RECOMPUTE = "full"
FINETUNE_BATCH = 1
LARGE_PARAMS = 1e9  # the workload model's "large" transformer (DEFAULT_BATCH["large"])
PEFT_EXAMPLE = "Hugging Face PEFT examples/sft/run_peft_qlora_fsdp.sh (--max_length 2048, --gradient_checkpointing)"
TRL_CONFIG = "TRL SFTConfig (trl/trainer/sft_config.py): max_length 1024, gradient_checkpointing True by default"
QLORA_CODE = ("QLoRA reference code (artidoro/qlora qlora.py: gradient_checkpointing on by default; "
              "scripts/finetune_guanaco_7b.sh: --per_device_train_batch_size 1 --gradient_accumulation_steps 16)")


@dataclass(frozen=True)
class Assumption:
    key: str
    value: Any
    given: bool  # the user set it
    why: str
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "given": self.given, "why": self.why, "source": self.source}

    def text(self) -> str:
        return f"{self.key} {self.value} ({'given' if self.given else self.why})"


@dataclass(frozen=True)
class Recipe:
    request: WorkloadRequest  # the user's request with the fine-tuning defaults laid over it
    assumptions: tuple[Assumption, ...]
    finetune: bool  # the fine-tuning defaults applied (a language model's LoRA/QLoRA/full fine-tune)


def is_finetune(req: WorkloadRequest, model: ModelSpec) -> bool:
    """A language model trained with adapters, or in full when it is over 1B parameters."""
    t = model.transformer
    if t is None or not t.lm_head:
        return False
    return req.lora or req.qlora or model.params > LARGE_PARAMS


def training_recipe(req: WorkloadRequest, model: ModelSpec, precision: str, batch_default: int,
                    sharding: str | None = None, train: bool = True) -> Recipe:
    """The request ``fit`` sizes (for training, or a CNN's inference when ``train`` is False), and
    each assumption behind it. ``sharding``: how extra GPUs share the state where the user says
    nothing (fit: FSDP)."""
    given = req.model_fields_set
    finetune = train and is_finetune(req, model)
    update: dict[str, Any] = {}
    if sharding is not None and "sharding" not in given:
        update["sharding"] = sharding
    if finetune:
        if "seq" not in given:
            update["seq"] = min(FINETUNE_SEQ, model.transformer.max_positions or FINETUNE_SEQ)  # type: ignore[union-attr]
        if "recompute" not in given:
            update["recompute"] = FINETUNE_RECOMPUTE
        if "batch" not in given:
            update["batch"] = FINETUNE_BATCH
    out = req.model_copy(update=update) if update else req
    how = ("LoRA" if req.lora else "QLoRA" if req.qlora else "full fine-tune") if finetune else ""
    ft = f"{how} fine-tuning default" if how else ""
    rows = [
        Assumption("precision", precision, "precision" in given,
                   "bf16 mixed precision for transformers, fp16 AMP for CNNs (dlrig.defaults)"),
        Assumption("micro-batch", out.batch or batch_default, "batch" in given,
                   f"{ft}: micro-batch 1, the batch grown by gradient accumulation" if finetune
                   else "the workload model's default for this model", QLORA_CODE if finetune else ""),
    ]
    if model.transformer is not None:
        rows.append(Assumption("sequence", out.seq if out.seq is not None else model.transformer.seq,
                               "seq" in given,
                               f"{ft}: 2048 tokens as PEFT's QLoRA example (TRL's SFT default: 1024)" if finetune
                               else f"the model's reference input ({model.reference})",
                               f"{PEFT_EXAMPLE}; {TRL_CONFIG}" if finetune else model.source))
    if train:
        rows += [Assumption("recompute", out.recompute, "recompute" in given,
                            f"{ft}: gradient checkpointing, on by default in the QLoRA code and TRL" if finetune
                            else "no activation recomputation unless asked",
                            f"{QLORA_CODE}; {TRL_CONFIG}" if finetune else ""),
                 Assumption("optimizer", out.optimizer, "optimizer" in given, "AdamW, the default of today's trainers"),
                 # the web API sends fit's own default: the same answer as leaving it out
                 Assumption("sharding", out.sharding, "sharding" in given and out.sharding != sharding,
                            "extra GPUs share the training state (FSDP) when one does not hold it")]
    if req.lora or req.qlora:
        rows.append(Assumption("lora_rank", out.lora_rank, "lora_rank" in given,
                               "a common adapter rank (the QLoRA paper uses 64 on all linear layers)"))
    return Recipe(out, tuple(rows), finetune)


def inference_assumptions(spec: Any, req: WorkloadRequest) -> tuple[Assumption, ...]:
    """What an LLM inference fit assumed (dlrig.workload.infer_run.InferenceSpec)."""
    given = req.model_fields_set
    return (Assumption("weights", spec.weights.key, bool({"weights", "precision"} & given), spec.weights.name,
                       spec.weights.source),
            Assumption("kv_cache", spec.kv.key, "kv_cache" in given, "the KV cache format (default f16)"),
            Assumption("context", spec.context, "seq" in given,
                       "tokens held in the KV cache per sequence (default: the model's reference sequence)"),
            Assumption("batch", spec.batch, "batch" in given, "sequences served at once (default 1)"),
            Assumption("split", spec.split, "split" in given,
                       "how several GPUs share the model (default: whole layers)"))


def compute_precision(req: WorkloadRequest, model: ModelSpec, mode: str, default: str) -> str | None:
    """The precision the GPU computes in, for the feasibility rule: training's precision; for LLM
    inference the weights' format where it is a float type (a quantized format is dequantized to
    the card's fast type, so it needs no particular one)."""
    if mode != "infer" or model.transformer is None or not model.transformer.lm_head:
        return req.precision or default
    from dlrig.workload.quant import PRECISION_TO_WEIGHTS, weight_format

    key = weight_format(req.weights).key if req.weights else PRECISION_TO_WEIGHTS.get(req.precision or "bf16")
    return key if key in ("fp32", "fp16", "bf16", "fp8") else None
