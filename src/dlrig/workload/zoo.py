"""The model zoo: the CNNs and transformers the estimator knows, and how names find them.

CNN figures (parameters, forward FLOPs, activation bytes saved for backward) are counted on
PyTorch meta tensors by ``scripts/derive_cnn_figures.py`` and committed as
``data/cnn_zoo.json`` with the torch/torchvision versions that produced them; this module
only reads that file, on first use. Transformers are described by their configuration (the
model card's ``config.json``, URL on each entry); parameters and FLOPs follow from it in
:mod:`dlrig.workload.flops`, activations in :mod:`dlrig.workload.memory`.
With PyTorch installed, ``torchvision:NAME`` and ``timm:NAME`` are counted on the fly.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal, TypedDict

from dlrig.errors import BadInput

DATA = Path(__file__).parent / "data"
Family = Literal["cnn", "transformer"]
HF = "https://huggingface.co/"


class UnknownModel(BadInput):
    def __init__(self, name: str, closest: list[str]) -> None:
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        super().__init__(f"unknown model {name!r}{hint} (or torchvision:NAME / timm:NAME with PyTorch installed)")
        self.name, self.closest = name, closest


@dataclass(frozen=True)
class TransformerConfig:
    layers: int
    hidden: int
    heads: int
    ffn: int
    vocab: int
    seq: int  # reference sequence length for estimates
    kv_heads: int | None = None  # grouped-query attention; None = heads
    experts: int | None = None  # mixture of experts: experts per layer
    active_experts: int | None = None  # experts each token is routed to
    head_dim: int | None = None  # None = hidden // heads (Gemma, Qwen3 and Mistral Nemo set their own)
    qkv_bias: bool = False  # biases on q, k, v only (Qwen2/2.5); ``bias`` means every linear layer
    qk_norm: bool = False  # RMSNorm on each query and key head (Qwen3, Gemma 3)
    norms_per_layer: int = 2  # Gemma 2/3: 4 (pre and post norms around attention and MLP)
    moe_ffn: int | None = None  # one routed expert's width, where it differs from ``ffn``
    shared_experts: int = 0  # experts every token passes through (DeepSeek, Qwen-MoE)
    shared_ffn: int | None = None  # the shared experts' total width (Qwen-MoE); None = moe_ffn each
    dense_layers: int = 0  # leading layers with a dense MLP of width ``ffn`` (DeepSeek first_k_dense_replace)
    kv_lora_rank: int | None = None  # multi-head latent attention (DeepSeek-V2/V3): the cached latent
    q_lora_rank: int | None = None
    rope_head_dim: int = 0  # MLA: the decoupled rotary key part, cached beside the latent
    nope_head_dim: int | None = None  # MLA: per-head query/key width without rotary
    v_head_dim: int | None = None  # MLA: per-head value width
    sliding_window: int | None = None  # local attention window of the sliding layers (Gemma 2/3)
    global_every: int = 1  # every n-th layer attends globally, the others within the window; 1 = all global
    max_context: int = 0  # the trained context window (max_position_embeddings); 0 = unknown
    gated_mlp: bool = False  # SwiGLU: three ffn matrices instead of two
    norm: Literal["layer", "rms"] = "layer"
    bias: bool = True
    max_positions: int = 0  # learned position embeddings (0 = rotary, no table)
    type_vocab: int = 0  # BERT token-type embeddings
    tied_embeddings: bool = False
    lm_head: bool = True  # False for BERT fine-tuned on SQuAD (a 2-way span head)
    head_params: int = 0  # small task heads (BERT SQuAD: 2h + 2)
    embedding_norm: bool = False  # BERT: LayerNorm after the embeddings
    final_norm: bool = True

    @property
    def head_size(self) -> int:
        return self.head_dim or self.hidden // self.heads

    @property
    def context_window(self) -> int:
        """Tokens the model was trained to attend over: max_position_embeddings, else the learned table."""
        return self.max_context or self.max_positions


@dataclass(frozen=True)
class ModelSpec:
    """One model at its reference input. Transformer figures are computed from ``transformer``."""

    key: str
    name: str
    family: Family
    source: str
    reference: str  # the reference input, in words
    sample_unit: str  # "image" or "sequence"
    input_bytes: float  # the model's input tensor for one sample, as fed to the GPU
    forward_flops: float = 0.0  # CNN: counted; transformer: see flops.forward_flops_per_sample
    cnn_params: float = 0.0
    activation_bytes_fp32: float = 0.0  # CNN, per sample, saved for backward
    activation_bytes_16bit: float = 0.0
    transformer: TransformerConfig | None = None
    aliases: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())
    series: str = ""  # the model family people name it by (Llama 3.1, Qwen2.5); "" for CNNs
    @property
    def params(self) -> float:
        if self.transformer is None:
            return self.cnn_params
        from dlrig.workload.flops import transformer_params

        return transformer_params(self.transformer).total

    @property
    def active_params(self) -> float:
        if self.transformer is None:
            return self.cnn_params
        from dlrig.workload.flops import transformer_params

        return transformer_params(self.transformer).active


def _bert(key: str, name: str, layers: int, hidden: int, heads: int, repo: str) -> ModelSpec:
    cfg = TransformerConfig(layers=layers, hidden=hidden, heads=heads, ffn=4 * hidden, vocab=30522,
                            seq=384, max_positions=512, type_vocab=2, lm_head=False,
                            head_params=2 * hidden + 2, embedding_norm=True, final_norm=False)
    return ModelSpec(key=key, name=name, family="transformer", source=f"{HF}{repo}/blob/main/config.json",
                     reference="SQuAD fine-tuning, 384 tokens (Lambda's and NVIDIA's BERT benchmark)",
                     sample_unit="sequence", input_bytes=384 * 8 * 3, transformer=cfg,
                     aliases=(repo.split("/")[-1],), series="BERT",
                     notes=("parameters of the question-answering model (no pooler, span head)",))


def _gpt2(key: str, name: str, layers: int, hidden: int, heads: int, repo: str) -> ModelSpec:
    cfg = TransformerConfig(layers=layers, hidden=hidden, heads=heads, ffn=4 * hidden, vocab=50257,
                            seq=1024, max_positions=1024, tied_embeddings=True)
    return ModelSpec(key=key, name=name, family="transformer", source=f"{HF}{repo}/blob/main/config.json",
                     reference="1,024 tokens (n_ctx)", sample_unit="sequence", input_bytes=1024 * 8,
                     transformer=cfg, aliases=(repo.split("/")[-1],), series="GPT-2")


def _decoder(key: str, name: str, repo: str, cfg: TransformerConfig, aliases: tuple[str, ...] = (),
             series: str = "") -> ModelSpec:
    return ModelSpec(key=key, name=name, family="transformer", source=f"{HF}{repo}/blob/main/config.json",
                     reference=f"{cfg.seq:,} tokens", sample_unit="sequence", input_bytes=cfg.seq * 8,
                     transformer=cfg, aliases=(repo.split("/")[-1], *aliases), series=series)


class _DecoderStyle(TypedDict):
    """The Llama layout the decoders below share (SwiGLU MLP, RMSNorm, no biases)."""

    gated_mlp: bool
    norm: Literal["layer", "rms"]
    bias: bool


_LLAMA: _DecoderStyle = {"gated_mlp": True, "norm": "rms", "bias": False}
TRANSFORMERS: tuple[ModelSpec, ...] = (
    _bert("bert-base", "BERT-base", 12, 768, 12, "google-bert/bert-base-uncased"),
    _bert("bert-large", "BERT-large", 24, 1024, 16, "google-bert/bert-large-uncased"),
    _gpt2("gpt2", "GPT-2 (124M)", 12, 768, 12, "openai-community/gpt2"),
    _gpt2("gpt2-medium", "GPT-2 Medium (355M)", 24, 1024, 16, "openai-community/gpt2-medium"),
    _gpt2("gpt2-large", "GPT-2 Large (774M)", 36, 1280, 20, "openai-community/gpt2-large"),
    _gpt2("gpt2-xl", "GPT-2 XL (1.5B)", 48, 1600, 25, "openai-community/gpt2-xl"),
    _decoder("llama-3-8b", "Llama-3-8B", "meta-llama/Meta-Llama-3-8B",
             TransformerConfig(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336, vocab=128256,
                               seq=8192, max_context=8192, **_LLAMA), ("llama3-8b",), "Llama 3"),
    _decoder("llama-3-70b", "Llama-3-70B", "meta-llama/Meta-Llama-3-70B",
             TransformerConfig(layers=80, hidden=8192, heads=64, kv_heads=8, ffn=28672, vocab=128256,
                               seq=8192, max_context=8192, **_LLAMA), ("llama3-70b",), "Llama 3"),
    _decoder("mistral-7b", "Mistral-7B", "mistralai/Mistral-7B-v0.1",
             TransformerConfig(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336, vocab=32000,
                               seq=4096, max_context=32768, **_LLAMA), series="Mistral"),
    _decoder("mixtral-8x7b", "Mixtral-8x7B (MoE)", "mistralai/Mixtral-8x7B-v0.1",
             TransformerConfig(layers=32, hidden=4096, heads=32, kv_heads=8, ffn=14336, vocab=32000,
                               seq=4096, experts=8, active_experts=2, max_context=32768, **_LLAMA), series="Mixtral"),
)

CNN_ALIASES = {"vgg16": ("vgg-16",), "inception-v3": ("inception_v3", "inceptionv3", "googlenet-v3"),
               "convnext-tiny": ("convnext-t", "convnext_tiny"), "vit-b-16": ("vit-b/16", "vit_b_16", "vit"),
               "efficientnet-b0": ("efficientnet_b0",)}


@cache
def cnn_data() -> dict:
    return json.loads((DATA / "cnn_zoo.json").read_text(encoding="utf-8"))


def _cnn(key: str, m: dict, versions: dict[str, str]) -> ModelSpec:
    c, h, w = m["input_shape"]
    made_by = ", ".join(f"{k} {v}" for k, v in versions.items())
    return ModelSpec(key=key, name=m["name"], family="cnn",
                     source=f"counted by scripts/derive_cnn_figures.py (torchvision.models.{m['torchvision']}; "
                            f"{made_by})",
                     reference=f"{c}x{h}x{w} image", sample_unit="image", input_bytes=m["input_bytes"],
                     forward_flops=m["forward_flops"], cnn_params=m["params"],
                     activation_bytes_fp32=m["activation_bytes_fp32"],
                     activation_bytes_16bit=m["activation_bytes_16bit"],
                     aliases=(m["name"], m["torchvision"], *CNN_ALIASES.get(key, ())))


@cache
def all_models() -> tuple[ModelSpec, ...]:
    data = cnn_data()
    cnns = tuple(_cnn(k, m, data["versions"]) for k, m in data["models"].items())
    from dlrig.workload.hf_config import zoo_language_models

    return cnns + TRANSFORMERS + zoo_language_models()


def _norm(text: str) -> str:
    """Case, spaces, dashes and underscores ignored; dots kept ("Qwen2.5-7B" is not "Qwen2-57B")."""
    return re.sub(r"[^a-z0-9.]", "", text.lower())


@cache
def _index() -> dict[str, ModelSpec]:
    out: dict[str, ModelSpec] = {}
    for m in all_models():
        for spelling in (m.key, m.name, *m.aliases):
            out.setdefault(_norm(spelling), m)
    return out


def get_model(name: str) -> ModelSpec:
    """A zoo model by key, name or alias (case, spaces, dashes ignored), torchvision:/timm:NAME, or
    config:PATH (a Hugging Face config.json). An unknown name is an error naming the closest: a
    model is never silently replaced by a similar one."""
    if name.startswith("config:"):
        from dlrig.workload.hf_config import load_config_file

        return load_config_file(name.removeprefix("config:"))
    if ":" in name:
        source, _, inner = name.partition(":")
        return torch_model(source.strip().lower(), inner.strip())
    found = _index().get(_norm(name))
    if found is None:
        raise UnknownModel(name, closest_models(name))
    return found


def closest_models(name: str, limit: int = 4) -> list[str]:
    from rapidfuzz import fuzz, process

    keys = [m.key for m in all_models()]
    hits = process.extract(_norm(name), {k: _norm(k) for k in keys}, scorer=fuzz.WRatio, limit=limit)
    return [key for _, score, key in hits if score >= 50]


@cache
def torch_model(source: str, name: str) -> ModelSpec:
    """Count a torchvision/timm model on meta tensors (needs the ``dlrig[torch]`` extra)."""
    import warnings

    from dlrig.workload.torch_count import build_meta_model, count, default_input_shape, torch_versions

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = build_meta_model(source, name)
        shape = default_input_shape(model, source)
        figures = count(model, shape)
    made_by = ", ".join(f"{k} {v}" for k, v in torch_versions().items())
    return ModelSpec(key=f"{source}:{name}", name=f"{source}:{name}", family="cnn",
                     source=f"counted on meta tensors at run time ({made_by})",
                     reference="x".join(str(d) for d in shape), sample_unit="image",
                     input_bytes=figures["input_bytes"], forward_flops=figures["forward_flops"],
                     cnn_params=figures["params"], activation_bytes_fp32=figures["activation_bytes_fp32"],
                     activation_bytes_16bit=figures["activation_bytes_16bit"],
                     notes=("treated as a CNN-family model for throughput calibration",))
