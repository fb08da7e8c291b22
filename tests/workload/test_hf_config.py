"""Any model from its Hugging Face config.json, and the zoo's language models read the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlrig.errors import BadInput
from dlrig.workload.hf_config import config_from_dict, load_config_file
from dlrig.workload.zoo import all_models, get_model

DATA = Path(__file__).parent / "data"
SMOLLM2 = DATA / "smollm2-1.7b-config.json"  # HuggingFaceTB/SmolLM2-1.7B's config.json: not in the zoo

# Totals the model cards publish (Hugging Face's parameter count, or the maker's figure), in billions.
# A mistyped config key moves the count by far more than the tolerance.
PUBLISHED_B = {
    "llama-2-7b": 6.74, "llama-2-13b": 13.0, "llama-2-70b": 69.0, "llama-3.1-8b": 8.03, "llama-3.1-70b": 70.6,
    "llama-3.1-405b": 406.0, "llama-3.2-1b": 1.24, "llama-3.2-3b": 3.21, "llama-3.3-70b": 70.6,
    "qwen2.5-0.5b": 0.494, "qwen2.5-1.5b": 1.54, "qwen2.5-3b": 3.09, "qwen2.5-7b": 7.62, "qwen2.5-14b": 14.8,
    "qwen2.5-32b": 32.8, "qwen2.5-72b": 72.7, "qwen3-0.6b": 0.596, "qwen3-4b": 4.02, "qwen3-8b": 8.19,
    "qwen3-14b": 14.8, "qwen3-32b": 32.8, "qwen3-30b-a3b": 30.5, "qwen3-235b-a22b": 235.0,
    "mistral-nemo-12b": 12.2, "mistral-small-24b": 23.6, "mixtral-8x22b": 141.0, "gemma-2-9b": 9.24,
    "gemma-2-27b": 27.2, "gemma-3-1b": 1.0, "phi-3-mini": 3.82, "phi-3-medium": 14.0, "phi-4": 14.7,
    "deepseek-v2-lite": 15.7, "deepseek-v3": 671.0,
}
ACTIVE_B = {"qwen3-30b-a3b": 3.3, "qwen3-235b-a22b": 22.0, "mixtral-8x22b": 39.0, "deepseek-v3": 37.0}


@pytest.mark.parametrize(("key", "billions"), PUBLISHED_B.items())
def test_zoo_configs_give_the_published_parameter_counts(key: str, billions: float) -> None:
    assert get_model(key).params / 1e9 == pytest.approx(billions, rel=0.015)


@pytest.mark.parametrize(("key", "billions"), ACTIVE_B.items())
def test_mixtures_of_experts_count_their_active_parameters(key: str, billions: float) -> None:
    assert get_model(key).active_params / 1e9 == pytest.approx(billions, rel=0.04)


def test_gemma3_multimodal_configs_are_read_from_text_config() -> None:
    m = get_model("gemma-3-27b")
    c = m.transformer
    assert c is not None and c.layers == 62 and c.head_size == 128 and c.global_every == 6
    assert c.sliding_window == 1024 and c.qk_norm and c.tied_embeddings
    assert any("vision tower is not counted" in n for n in m.notes)
    assert 26.5e9 < m.params < 27.5e9  # the language model of Google's 27B (the SigLIP tower adds ~0.4 B)


def test_every_zoo_language_model_has_its_config_url_and_family() -> None:
    llms = [m for m in all_models() if m.transformer is not None and m.transformer.lm_head]
    assert len(llms) >= 25
    for m in llms:
        assert m.series and m.source.startswith("https://huggingface.co/") and m.source.endswith("config.json")


def test_a_config_not_in_the_zoo_is_estimated_from_its_file() -> None:
    m = load_config_file(str(SMOLLM2))
    assert m.params == 1_711_376_384  # SmolLM2-1.7B's published count: tied embeddings, no GQA
    assert m.name == "smollm2-1.7b-config" and m.transformer is not None and m.transformer.context_window == 8192
    assert get_model(f"config:{SMOLLM2}").params == m.params
    assert m.key not in {z.key for z in all_models()}


def test_qwen_moe_shared_experts_are_counted() -> None:
    """Qwen1.5-MoE-A2.7B's published config: 14.3 B parameters, 2.7 B active (Qwen's model card)."""
    cfg = {"model_type": "qwen2_moe", "hidden_size": 2048, "intermediate_size": 5632, "num_hidden_layers": 24,
           "num_attention_heads": 16, "num_key_value_heads": 16, "vocab_size": 151936, "num_experts": 60,
           "num_experts_per_tok": 4, "moe_intermediate_size": 1408, "shared_expert_intermediate_size": 5632,
           "max_position_embeddings": 8192, "tie_word_embeddings": False}
    tc, _ = config_from_dict(cfg)
    from dlrig.workload.flops import transformer_params

    counts = transformer_params(tc)
    assert counts.total / 1e9 == pytest.approx(14.3, rel=0.01)
    assert counts.active / 1e9 == pytest.approx(2.7, rel=0.02)


@pytest.mark.parametrize(("drop", "named"), [("num_hidden_layers", "num_hidden_layers"),
                                             ("vocab_size", "vocab_size"),
                                             ("intermediate_size", "intermediate_size")])
def test_a_missing_key_is_bad_input_naming_it(drop: str, named: str) -> None:
    cfg = {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "vocab_size": 100,
           "intermediate_size": 128}
    del cfg[drop]
    with pytest.raises(BadInput, match=named):
        config_from_dict(cfg, "my.json")


def test_missing_optional_keys_are_stated_as_assumptions() -> None:
    _, notes = config_from_dict({"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                                 "vocab_size": 100, "intermediate_size": 128})
    text = " ".join(notes)
    assert "num_key_value_heads absent" in text and "max_position_embeddings absent" in text
    assert "tie_word_embeddings absent" in text


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"hidden_size": "big", "num_hidden_layers": 2}'])
def test_a_broken_config_file_is_bad_input(tmp_path: Path, content: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(BadInput):
        load_config_file(str(path))


def test_a_missing_config_file_is_bad_input() -> None:
    with pytest.raises(BadInput, match="does not exist"):
        get_model("config:/no/such/config.json")
