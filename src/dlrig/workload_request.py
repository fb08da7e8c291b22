"""The workload a user asks about: a model, its training recipe, and the data it reads.

``WorkloadRequest`` is the one declaration of the workload's keys, their defaults and their
meaning. A build file's ``workload:`` section is one (so ``seq: "2048"`` is read as a number
and an unknown key is an error naming it); ``dlrig estimate``, ``fit`` and ``plan`` options and
the web API's fields are made from its fields; the checker, the estimate, cost and the planner
read it. Values are checked here, once, at the edge: a batch of 0, a NaN or an unknown
optimizer never reach the models. What needs the model zoo (is ``seq`` within the model's
positions? is ``lora`` on a CNN?) is checked by the workload model, which knows the model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dlrig.catalog.models import PRECISIONS, Precision
from dlrig.errors import BadInput

Optimizer = Literal["adamw", "sgd", "adamw8bit"]
OPTIMIZERS: tuple[Optimizer, ...] = ("adamw", "sgd", "adamw8bit")
Sharding = Literal["none", "zero1", "zero2", "fsdp"]
SHARDINGS: tuple[Sharding, ...] = ("none", "zero1", "zero2", "fsdp")
Recompute = Literal["none", "selective", "full"]
RECOMPUTES: tuple[Recompute, ...] = ("none", "selective", "full")
Attention = Literal["flash", "eager"]
ATTENTIONS: tuple[Attention, ...] = ("flash", "eager")
Software = Literal["typical", "tuned"]
SOFTWARES: tuple[Software, ...] = ("typical", "tuned")
LORA_RANK = 16  # default adapter rank (a common choice; the QLoRA paper uses 64 on all layers)
MAX_COUNT = 10**12  # no batch, sequence or sample count is larger: a typo, not a workload

WEIGHT_ONLY = {"int8": "q8_0", "int4": "q4_k_m"}  # formats that store weights, not precisions that compute
CHOICES: dict[str, tuple[str, ...]] = {"precision": PRECISIONS, "optimizer": OPTIMIZERS, "sharding": SHARDINGS,
                                       "recompute": RECOMPUTES, "attention": ATTENTIONS, "software": SOFTWARES}


class WorkloadRequest(BaseModel):
    """A workload. ``None`` means "the model's default" (the estimate says which it took)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    model: str = Field(description="zoo model (resnet50, llama-3-8b, ...) or torchvision:NAME / timm:NAME")
    precision: Precision | None = Field(None, description="fp32 | tf32 | fp16 | bf16 | fp8 (default: the "
                                        "model's: bf16 for transformers, fp16 for CNNs)")
    batch: int | None = Field(None, ge=1, le=MAX_COUNT, description="micro-batch per GPU")
    seq: int | None = Field(None, ge=1, le=MAX_COUNT, description="sequence length (transformers)")
    optimizer: Optimizer = Field("adamw", description="adamw | sgd | adamw8bit")
    sharding: Sharding = Field("none", description="none | zero1 | zero2 | fsdp (how GPUs share the state)")
    lora: bool = Field(False, description="LoRA adapters on a frozen base")
    qlora: bool = Field(False, description="LoRA on a 4-bit (NF4) base")
    lora_rank: int = Field(LORA_RANK, ge=1, le=65536, description=f"adapter rank (default {LORA_RANK})")
    recompute: Recompute = Field("none", description="activation recomputation: none | selective | full")
    attention: Attention = Field("flash", description="flash (default) | eager")
    software: Software | None = Field(None, description="typical (default: PyTorch eager, NCHW, as Lambda measured) | "
                                      "tuned (channels-last, cuDNN autotuning, fused optimizer, GPU-side input)")
    epochs: float | None = Field(None, gt=0, le=1e6, description="epochs over the data set or the samples")
    dataset: str | None = Field(None, description="imagenet | cifar10 | coco | the-pile, or a name of your own "
                                "with dataset_gb")
    samples: int | None = Field(None, ge=1, le=MAX_COUNT, description="samples per epoch (or in total "
                                "without epochs)")
    tokens: float | None = Field(None, gt=0, le=1e18, description="training tokens (transformers)")
    bytes_per_sample: float | None = Field(None, gt=0, le=1e12,
                                           description="bytes per sample on disk (default: the data set's)")
    dataset_gb: float | None = Field(None, gt=0, le=1e9, description="the data set's size on disk, GB")
    file_per_sample: bool | None = Field(None, description="one file per sample (random reads), or packed "
                                         "shards read in sequence (default: the data set's)")
    samples_per_s: float | None = Field(None, gt=0, le=1e12, description="the rate the data must be read at "
                                        "(default: the estimate's training rate)")
    # LLM inference (dlrig.workload.infer_run): seq is the context held in the KV cache, batch the
    # sequences served at once.
    infer: bool = Field(False, description="LLM inference: memory per GPU, the layer split, tokens/s")
    weights: str | None = Field(None, description="inference weight format: q4_k_m, q5_k_m, q6_k, q8_0, q4_0, int4 "
                                "(awq/gptq), int8, fp8, fp16, bf16")
    kv_cache: str | None = Field(None, description="KV cache format: f16 (default), q8_0, q4_0, fp8")
    split: str | None = Field(None, description="how several GPUs share the model: layer (default; whole layers "
                              "per GPU) | tensor (slices of every layer)")
    offload: bool | None = Field(None, description="inference: run layers that fit on no GPU from system RAM "
                                 "(default on)")
    ram_bandwidth_gb_s: float | None = Field(None, gt=0, le=1e5, description="system RAM GB/s (peak) for offloaded "
                                             "layers (default: the build's, else dual-channel DDR5-5600, 89.6)")

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _bad(exc) from None

    @model_validator(mode="before")
    @classmethod
    def _weights_as_precision(cls, data: Any) -> Any:
        """For inference, ``precision: int4`` names the weights' format (``weights: int4``)."""
        if not isinstance(data, dict) or not data.get("infer") or data.get("weights") is not None:
            return data
        given = str(data.get("precision") or "").strip().lower()
        return {**data, "weights": given, "precision": None} if given in WEIGHT_ONLY else data

    @model_validator(mode="before")
    @classmethod
    def _legacy(cls, data: Any) -> Any:
        """Old spellings keep working: ``sample_kb`` (KB) is ``bytes_per_sample``."""
        if not isinstance(data, dict) or "sample_kb" not in data:
            return data
        out = dict(data)
        kb = out.pop("sample_kb")
        if kb is not None and out.get("bytes_per_sample") is None:
            if isinstance(kb, bool) or not isinstance(kb, (int, float, str)):
                raise ValueError(f"sample_kb: {kb!r} is not a number")
            try:
                out["bytes_per_sample"] = float(kb) * 1e3
            except ValueError:
                raise ValueError(f"sample_kb: {kb!r} is not a number") from None
        return out

    @field_validator("precision", "optimizer", "sharding", "recompute", "attention", "software", mode="before")
    @classmethod
    def _choice(cls, value: Any, info: Any) -> Any:
        """Case and spacing forgiven ("FP16 " is fp16); anything else names the choices."""
        if value is None:
            return value
        text = str(value).strip().lower()
        choices = CHOICES[info.field_name]
        if info.field_name == "precision" and text in WEIGHT_ONLY:
            raise ValueError(f"{text} is an inference weight format, not a compute precision: give it as the "
                             f"weights of an inference workload (or a GGUF format such as {WEIGHT_ONLY[text]}); "
                             "4-bit fine-tuning is QLoRA")
        if text not in choices:
            raise ValueError(f"unknown {info.field_name} {value!r}; one of: {', '.join(choices)}")
        return text

    @field_validator("batch", "seq", "samples", "lora_rank", "epochs", "tokens", "bytes_per_sample",
                     "dataset_gb", "samples_per_s", "ram_bandwidth_gb_s", mode="before")
    @classmethod
    def _not_bool(cls, value: Any) -> Any:
        """``batch: yes`` is a typo, not a batch of 1."""
        if isinstance(value, bool):
            raise ValueError(f"expected a number, got {value!r}")
        return value

    @field_validator("model", "dataset")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be empty")
        return value.strip() if value is not None else None

    @model_validator(mode="after")
    def _one_adapter(self) -> WorkloadRequest:
        if self.lora and self.qlora:
            raise ValueError("give lora or qlora, not both")
        return self

    @classmethod
    def fields(cls) -> tuple[str, ...]:
        return tuple(cls.model_fields)

    @classmethod
    def help(cls, name: str) -> str:
        """A field's one-line documentation, for the CLI's options and the API's schema."""
        return cls.model_fields[name].description or name

    @classmethod
    def parse(cls, data: Any, origin: str) -> WorkloadRequest:
        """A build file's ``workload:`` mapping; errors name the file and the key."""
        if not isinstance(data, dict):
            raise BadInput(f"{origin}: workload must be a mapping of keys such as model, precision, batch")
        try:
            return cls(**{str(k): v for k, v in data.items()})
        except BadInput as exc:
            raise BadInput(f"{origin}: workload.{exc.message}", field=exc.field) from None

    def merged(self, overrides: dict[str, Any]) -> WorkloadRequest:
        """This request with ``overrides`` laid over it (unset overrides, None, change nothing)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        if not given:
            return self
        return WorkloadRequest(**{**self.model_dump(exclude_unset=True), **given})

    @classmethod
    def from_options(cls, base: WorkloadRequest | None, overrides: dict[str, Any], origin: str = "") -> WorkloadRequest:
        """A surface's options over a build's workload (or none): the one way requests are made."""
        if base is not None:
            return base.merged(overrides)
        given = {k: v for k, v in overrides.items() if v is not None}
        if "model" not in given:
            raise BadInput(f"{origin + ': ' if origin else ''}no workload model given", field="model")
        return cls(**given)

    def set_fields(self) -> dict[str, Any]:
        """Only what was given, for writing a build file back as the user wrote it."""
        return self.model_dump(exclude_unset=True)


def _bad(exc: ValidationError) -> BadInput:
    first = exc.errors()[0]
    field = ".".join(str(x) for x in first["loc"]) or None
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        known = ", ".join(WorkloadRequest.fields())
        return BadInput(f"unknown workload key {field!r}; known: {known}", field=field)
    if field is None and message.startswith("sample_kb: "):  # the old spelling's own check
        field = "sample_kb"
    if message.startswith(("unknown ", "give ", "sample_kb: ", "int8 ", "int4 ")):
        return BadInput(message, field=field)
    return BadInput(f"{field}: {message}" if field else message, field=field)
