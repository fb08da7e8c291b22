"""Any transformer from its Hugging Face ``config.json``: the keys become a TransformerConfig.

The zoo's language models are described the same way (``data/llm_zoo.json`` holds each
model's published config keys and the URL they were read at), so a model in the zoo and a
user's own config go through one parser. Keys read (Hugging Face ``transformers`` naming):

- required: ``num_hidden_layers``, ``hidden_size``, ``num_attention_heads``, ``vocab_size`` and
  ``intermediate_size`` (or, for a model whose every layer is a mixture of experts,
  ``moe_intermediate_size``); GPT-2's ``n_layer``, ``n_embd``, ``n_head`` are accepted too;
- optional: ``num_key_value_heads`` (default: one per attention head), ``head_dim``,
  ``max_position_embeddings``, ``tie_word_embeddings``, experts (``num_local_experts``,
  ``num_experts`` or ``n_routed_experts``, with ``num_experts_per_tok``), shared experts
  (``n_shared_experts``, ``shared_expert_intermediate_size``), ``first_k_dense_replace``,
  multi-head latent attention (``kv_lora_rank``, ``q_lora_rank``, ``qk_rope_head_dim``,
  ``qk_nope_head_dim``, ``v_head_dim``), ``sliding_window``. A multimodal config's
  ``text_config`` is read for its language model (the vision tower is not counted).

Architecture details that config files leave implicit are taken from ``model_type`` and
stated in the model's notes: Qwen2 puts biases on q, k and v; Qwen3 and Gemma 3 normalise
each query and key head; Gemma 2/3 use four norms per layer and alternate local (sliding
window) with global attention (Gemma 2 every other layer, Gemma 3 one global in six).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from dlrig.errors import BadInput
from dlrig.workload.zoo import HF, ModelSpec, TransformerConfig

REFERENCE_SEQ = 8192  # the reference sequence of an estimate when --seq/--context is not given (at most the window)
# model_type -> tie_word_embeddings when the file leaves it out (the transformers config classes' defaults)
TIED_BY_DEFAULT = ("gemma", "gemma2", "gemma3", "gemma3_text")
QKV_BIAS = ("qwen2", "qwen2_moe")
QK_NORM = ("qwen3", "qwen3_moe", "gemma3", "gemma3_text")
GLOBAL_EVERY = {"gemma2": 2, "gemma3": 6, "gemma3_text": 6}  # sliding-window layers between global ones
GPT2_KEYS = {"n_layer": "num_hidden_layers", "n_embd": "hidden_size", "n_head": "num_attention_heads",
             "n_positions": "max_position_embeddings", "n_inner": "intermediate_size"}


class BadConfig(BadInput):
    """A config.json that cannot describe a transformer: names the file and the key."""

    def __init__(self, origin: str, problem: str) -> None:
        super().__init__(f"{origin}: {problem}")


def _int(cfg: dict[str, Any], key: str, origin: str, required: bool = True) -> int | None:
    value = cfg.get(key)
    if value is None:
        if required:
            raise BadConfig(origin, f"missing key {key!r} (a Hugging Face config.json names it; "
                                    "see docs/workload.md, 'Any model')")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 0:
        raise BadConfig(origin, f"key {key!r} must be a whole number, not {value!r}")
    return int(value)


def _text_part(raw: dict[str, Any]) -> dict[str, Any]:
    """Multimodal configs (Gemma 3, Llama 4 style) keep the language model under text_config."""
    cfg = dict(raw)
    if isinstance(raw.get("text_config"), dict):
        cfg = {**{k: v for k, v in raw.items() if k != "text_config"}, **raw["text_config"]}
    for old, new in GPT2_KEYS.items():
        if old in cfg and new not in cfg:
            cfg[new] = cfg[old]
    return cfg


def config_from_dict(raw: dict[str, Any], origin: str = "config.json") -> tuple[TransformerConfig, tuple[str, ...]]:
    """The TransformerConfig a Hugging Face config describes, and notes on what was assumed."""
    if not isinstance(raw, dict):
        raise BadConfig(origin, "not a JSON object of config keys")
    cfg = _text_part(raw)
    kind = str(cfg.get("model_type", "")).lower()
    notes: list[str] = []
    layers = _int(cfg, "num_hidden_layers", origin)
    hidden = _int(cfg, "hidden_size", origin)
    heads = _int(cfg, "num_attention_heads", origin)
    vocab = _int(cfg, "vocab_size", origin)
    experts = next((_int(cfg, k, origin, False) for k in ("num_local_experts", "num_experts", "n_routed_experts")
                    if cfg.get(k)), None)
    moe_ffn = _int(cfg, "moe_intermediate_size", origin, False) if experts else None
    ffn = _int(cfg, "intermediate_size", origin, required=not moe_ffn) or moe_ffn
    if not (layers and hidden and heads and vocab and ffn):
        raise BadConfig(origin, "layers, hidden size, heads, vocabulary and MLP width must all be above 0")
    kv_heads = _int(cfg, "num_key_value_heads", origin, False)
    if kv_heads is None:
        notes.append("num_key_value_heads absent: one key/value head per attention head (no grouped-query attention)")
    if heads and (kv_heads or heads) and heads % (kv_heads or heads):
        raise BadConfig(origin, f"num_attention_heads {heads} is not a multiple of num_key_value_heads {kv_heads}")
    active = _int(cfg, "num_experts_per_tok", origin, required=bool(experts)) if experts else None
    tied = cfg.get("tie_word_embeddings")
    if tied is None:
        tied = kind in TIED_BY_DEFAULT
        notes.append(f"tie_word_embeddings absent: {'tied' if tied else 'separate'} input and output embeddings "
                     f"(the transformers default for model_type {kind or 'unknown'!r})")
    context = _int(cfg, "max_position_embeddings", origin, False) or 0
    if not context:
        notes.append("max_position_embeddings absent: the context window is unknown")
    gpt2 = kind == "gpt2" or "n_layer" in raw
    window = _int(cfg, "sliding_window", origin, False) if kind in GLOBAL_EVERY else None
    mla = _int(cfg, "kv_lora_rank", origin, False)
    tc = TransformerConfig(
        layers=layers, hidden=hidden, heads=heads, ffn=ffn, vocab=vocab, kv_heads=kv_heads,
        seq=min(context or REFERENCE_SEQ, REFERENCE_SEQ),
        experts=experts, active_experts=active, moe_ffn=moe_ffn if moe_ffn != ffn else None,
        head_dim=_int(cfg, "head_dim", origin, False), gated_mlp=not gpt2, norm="layer" if gpt2 else "rms",
        bias=gpt2 or bool(cfg.get("attention_bias") and cfg.get("mlp_bias")), qkv_bias=kind in QKV_BIAS or (
            bool(cfg.get("attention_bias")) and not cfg.get("mlp_bias")),
        qk_norm=kind in QK_NORM, norms_per_layer=4 if kind in GLOBAL_EVERY else 2,
        max_positions=context if gpt2 else 0, max_context=context, tied_embeddings=bool(tied),
        shared_experts=_int(cfg, "n_shared_experts", origin, False) or 0,
        shared_ffn=_int(cfg, "shared_expert_intermediate_size", origin, False),
        dense_layers=min(_int(cfg, "first_k_dense_replace", origin, False) or 0, layers) if experts else 0,
        kv_lora_rank=mla, q_lora_rank=_int(cfg, "q_lora_rank", origin, False) if mla else None,
        rope_head_dim=(_int(cfg, "qk_rope_head_dim", origin, False) or 0) if mla else 0,
        nope_head_dim=_int(cfg, "qk_nope_head_dim", origin, False) if mla else None,
        v_head_dim=_int(cfg, "v_head_dim", origin, False) if mla else None,
        sliding_window=window, global_every=GLOBAL_EVERY.get(kind, 1) if window else 1)
    if cfg.get("vision_config") or raw.get("vision_config"):
        notes.append("the vision tower is not counted: the language model only")
    return tc, tuple(notes)


def spec_from_config(raw: dict[str, Any], key: str, name: str, source: str, series: str = "",
                     aliases: tuple[str, ...] = (), origin: str = "config.json",
                     extra_notes: tuple[str, ...] = ()) -> ModelSpec:
    tc, notes = config_from_dict(raw, origin)
    return ModelSpec(key=key, name=name, family="transformer", source=source, reference=f"{tc.seq:,} tokens",
                     sample_unit="sequence", input_bytes=tc.seq * 8, transformer=tc, aliases=aliases,
                     notes=(*notes, *extra_notes), series=series)


@cache
def zoo_language_models() -> tuple[ModelSpec, ...]:
    """The zoo's language models from ``data/llm_zoo.json`` (each with its config's URL)."""
    from dlrig.workload.zoo import DATA

    data = json.loads((DATA / "llm_zoo.json").read_text(encoding="utf-8"))
    out = []
    for m in data["models"]:
        repo = m["repo"]
        out.append(spec_from_config(m["config"], m["key"], m["name"], f"{HF}{repo}/blob/main/config.json",
                                    series=m["series"], aliases=(repo.split("/")[-1], *m.get("aliases", ())),
                                    origin=f"llm_zoo.json: {m['key']}", extra_notes=tuple(m.get("notes", ()))))
    return tuple(out)


def load_config_file(path: str) -> ModelSpec:
    """``--model-config PATH``: a model described by a Hugging Face config.json on disk."""
    file = Path(path).expanduser()
    if not file.is_file():
        raise BadInput(f"model config {path!r} does not exist (give the path of a Hugging Face config.json)")
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadConfig(str(file), f"not a JSON file ({exc})") from None
    if not isinstance(raw, dict):
        raise BadConfig(str(file), "not a JSON object of config keys")
    stamp = file.stat().st_mtime_ns
    return _cached_spec(str(file.resolve()), stamp, json.dumps(raw, sort_keys=True))


@cache
def _cached_spec(path: str, _stamp: int, text: str) -> ModelSpec:
    raw = json.loads(text)
    file = Path(path)
    # a downloaded model directory holds config.json: its folder names the model; otherwise the file does
    name = raw.get("_name_or_path") or (file.parent.name if file.stem == "config" else file.stem)
    return spec_from_config(raw, key=f"config:{path}", name=str(name), source=f"config file {path}",
                            series="(your config)", origin=path)
