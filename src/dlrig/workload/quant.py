"""Weight formats and KV-cache formats for inference, each as bits per value with its source.

Two kinds of weight format:

- **Whole-file GGUF mixes** (llama.cpp's k-quants and legacy quants): the bits per weight are
  the file's average over every tensor, embeddings and output layer included, read from
  ``llama-quantize``'s own table of file sizes at Llama-3-8B (8.03 B parameters) in
  ggml-org/llama.cpp ``tools/quantize/quantize.cpp``: bpw = GiB x 2^30 x 8 / 8.03e9. A mix such
  as Q4_K_M puts some tensors at 6 bits (half of attn_v and ffn_down, the output layer at Q6_K),
  which is why it averages 4.90 rather than Q4_K's block format of 4.5.
- **Linear-layer formats** (16-bit, FP8, INT8, AWQ/GPTQ 4-bit): the bits apply to the
  transformer blocks' matrices; the token embeddings and the LM head stay 16-bit, as vLLM,
  AutoAWQ and GPTQ checkpoints keep them. AWQ/GPTQ store 4-bit weights with one FP16 scale and
  one 4-bit zero point per group of 128 (Lin et al. 2023, AWQ; Frantar et al. 2022, GPTQ):
  4 + 16/128 + 4/128 = 4.156 bits. FP8 (E4M3) and INT8 (per-channel scales): 8 bits.

KV cache values: f16 2 bytes; llama.cpp's q8_0 and q4_0 blocks of 32 values with one FP16
scale (34 and 18 bytes: 8.5 and 4.5 bits, ggml ``block_q8_0``/``block_q4_0``); FP8 1 byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dlrig.errors import BadInput
from dlrig.workload.zoo import ModelSpec

QUANTIZE_CPP = "https://github.com/ggml-org/llama.cpp/blob/master/tools/quantize/quantize.cpp"
GGML_COMMON = "https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-common.h"
LLAMA3_8B_PARAMS = 8.03e9
GIB = 2**30
Scope = Literal["all", "linear"]
Kernel = Literal["16bit", "quantized"]  # which fitted per-weight cost of the speed model applies


@dataclass(frozen=True)
class WeightFormat:
    key: str
    name: str
    bits: float  # per weight, over ``scope``
    scope: Scope
    kernel: Kernel
    source: str
    aliases: tuple[str, ...] = ()


def _gguf(key: str, gib_at_llama3_8b: float, note: str = "") -> WeightFormat:
    bits = gib_at_llama3_8b * GIB * 8 / LLAMA3_8B_PARAMS
    return WeightFormat(key, f"GGUF {key.upper()}", round(bits, 3), "all", "quantized",
                        f"llama-quantize: {gib_at_llama3_8b} GiB at Llama-3-8B = {bits:.2f} bpw ({QUANTIZE_CPP})"
                        + (f"; {note}" if note else ""))


WEIGHT_FORMATS: tuple[WeightFormat, ...] = (
    WeightFormat("fp32", "FP32", 32, "all", "16bit", "IEEE single precision", ("f32",)),
    WeightFormat("bf16", "BF16", 16, "all", "16bit", "16-bit weights", ()),
    WeightFormat("fp16", "FP16", 16, "all", "16bit", "16-bit weights (GGUF F16)", ("f16",)),
    WeightFormat("fp8", "FP8 (E4M3)", 8, "linear", "quantized",
                 "8-bit floats on the linear layers, embeddings and LM head 16-bit (vLLM FP8 checkpoints)", ("f8",)),
    WeightFormat("int8", "INT8 (W8A16)", 8, "linear", "quantized",
                 "8-bit integers with per-channel scales on the linear layers (LLM.int8 / vLLM W8A16); "
                 "embeddings and LM head 16-bit", ("w8a16",)),
    WeightFormat("int4", "INT4, group 128 (AWQ/GPTQ)", 4 + 16 / 128 + 4 / 128, "linear", "quantized",
                 "4-bit weights + one FP16 scale and one 4-bit zero per 128 (AWQ, Lin et al. 2023; GPTQ, Frantar et "
                 "al. 2022) = 4.156 bpw on the linear layers; embeddings and LM head 16-bit",
                 ("awq", "gptq", "w4a16", "awq-int4", "gptq-int4")),
    _gguf("q8_0", 7.96, f"block of 32: 32 bytes + FP16 scale ({GGML_COMMON})"),
    _gguf("q6_k", 6.14),
    _gguf("q5_k_m", 5.33),
    _gguf("q5_k_s", 5.21),
    _gguf("q5_0", 5.21),
    _gguf("q4_k_m", 4.58),
    _gguf("q4_k_s", 4.37),
    _gguf("q4_0", 4.34),
    _gguf("q3_k_m", 3.74),
    _gguf("q3_k_l", 4.03),
    _gguf("q2_k", 2.96),
)
for _f in WEIGHT_FORMATS:
    assert _f.bits > 0, _f


@dataclass(frozen=True)
class KvFormat:
    key: str
    bytes_per_value: float
    source: str


KV_FORMATS: tuple[KvFormat, ...] = (
    KvFormat("f16", 2.0, "16-bit keys and values (llama.cpp and vLLM default)"),
    KvFormat("bf16", 2.0, "16-bit keys and values"),
    KvFormat("fp8", 1.0, "vLLM --kv-cache-dtype fp8"),
    KvFormat("q8_0", 34 / 32, f"llama.cpp -ctk/-ctv q8_0: 32 values in 34 bytes ({GGML_COMMON})"),
    KvFormat("q4_0", 18 / 32, f"llama.cpp -ctk/-ctv q4_0: 32 values in 18 bytes ({GGML_COMMON})"),
)
KV_ALIASES = {"fp16": "f16", "f8": "fp8", "8bit": "q8_0", "4bit": "q4_0"}
PRECISION_TO_WEIGHTS = {"fp32": "fp32", "tf32": "fp32", "fp16": "fp16", "bf16": "bf16", "fp8": "fp8",
                        "int8": "int8", "int4": "int4"}


def _key(text: str) -> str:
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def weight_format(text: str) -> WeightFormat:
    want = _key(text)
    for f in WEIGHT_FORMATS:
        if want in (_key(f.key), *(_key(a) for a in f.aliases)):
            return f
    raise BadInput(f"unknown weight format {text!r}; one of: {', '.join(f.key for f in WEIGHT_FORMATS)} "
                   "(awq and gptq are int4)")


def kv_format(text: str) -> KvFormat:
    want = KV_ALIASES.get(_key(text), _key(text))
    for f in KV_FORMATS:
        if f.key == want:
            return f
    raise BadInput(f"unknown KV cache format {text!r}; one of: {', '.join(f.key for f in KV_FORMATS)}")


@dataclass(frozen=True)
class WeightBytes:
    """A model's weights in a format: per transformer block and outside the blocks."""

    per_layer: float  # one block's bytes (the average over blocks)
    embedding: float  # the token (and position) embedding tables
    head: float  # the LM head (0 when tied to the embeddings)
    active_per_layer: float  # bytes one token reads in a block (routed experts only for a MoE)
    layers: int = 1

    @property
    def total(self) -> float:
        return self.per_layer * self.layers + self.embedding + self.head


def weight_bytes(model: ModelSpec, fmt: WeightFormat) -> WeightBytes:
    """Bytes of ``model`` stored in ``fmt``; a GGUF mix's average applies to every tensor."""
    from dlrig.workload.flops import transformer_params

    c = model.transformer
    if c is None:
        raise BadInput(f"{model.name} is not a transformer: inference formats apply to language models")
    counts = transformer_params(c)
    head_params = 0.0 if (c.tied_embeddings or not c.lm_head) else float(c.vocab * c.hidden)
    block_total = counts.total - counts.embedding - head_params
    block_active = counts.active - counts.embedding - head_params
    bits = fmt.bits
    outside_bits = bits if fmt.scope == "all" else 16.0
    return WeightBytes(per_layer=block_total / c.layers * bits / 8, embedding=counts.embedding * outside_bits / 8,
                       head=head_params * outside_bits / 8, active_per_layer=block_active / c.layers * bits / 8,
                       layers=c.layers)
