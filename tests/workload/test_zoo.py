"""The zoo: published parameter counts, CNN figures from the committed derivation, names."""

from __future__ import annotations

import pytest

from dlrig.workload.zoo import UnknownModel, all_models, cnn_data, get_model

# Totals published on the model cards / by the libraries (Hugging Face parameter counts).
PUBLISHED_PARAMS = {
    "gpt2": 124_439_808,
    "gpt2-medium": 354_823_168,
    "gpt2-large": 774_030_080,
    "gpt2-xl": 1_557_611_200,
    "llama-3-8b": 8_030_261_248,
    "llama-3-70b": 70_553_706_496,
    "mistral-7b": 7_241_732_096,
    "mixtral-8x7b": 46_702_792_704,
    "bert-base": 108_893_186,  # BertForQuestionAnswering: no pooler, 2-way span head
}


@pytest.mark.parametrize(("key", "params"), PUBLISHED_PARAMS.items())
def test_transformer_params_match_published_totals(key: str, params: int) -> None:
    assert get_model(key).params == params


def test_mixtral_active_params_are_two_of_eight_experts() -> None:
    m = get_model("mixtral-8x7b")
    assert 12.8e9 < m.active_params < 13.0e9  # Mistral AI: "12.9B active parameters"


def test_cnn_figures_come_from_the_committed_derivation() -> None:
    data = cnn_data()
    assert data["versions"]["torch"] and data["versions"]["torchvision"]
    r50 = get_model("resnet50")
    assert r50.params == 25_557_032  # torchvision's documented count
    assert r50.forward_flops == pytest.approx(2 * 4.09e9, rel=0.01)  # torchvision: 4.09 GFLOPS (= GMACs)
    assert r50.activation_bytes_16bit < r50.activation_bytes_fp32


def test_zoo_covers_the_issue_list() -> None:
    keys = {m.key for m in all_models()}
    assert {"alexnet", "vgg16", "inception-v3", "resnet18", "resnet50", "resnet101", "resnet152",
            "efficientnet-b0", "convnext-tiny", "vit-b-16", "bert-base", "bert-large", "gpt2",
            "llama-3-8b", "llama-3-70b", "mistral-7b", "mixtral-8x7b"} <= keys
    assert all(m.source for m in all_models())


@pytest.mark.parametrize("spelling", ["ResNet-50", "resnet_50", "RESNET50", "resnet50"])
def test_names_are_forgiving(spelling: str) -> None:
    assert get_model(spelling).key == "resnet50"


def test_unknown_model_names_the_closest() -> None:
    with pytest.raises(UnknownModel) as info:
        get_model("resnet5")
    assert "resnet50" in info.value.closest
    assert info.value.exit_code == 2


def test_llama_31_is_its_own_model_never_llama_3() -> None:
    """Issue 17: 'llama-3.1-8b' had quietly become Llama-3-8B (8k context instead of 128k)."""
    m = get_model("llama-3.1-8b")
    assert m.key == "llama-3.1-8b" and m.series == "Llama 3.1"
    assert m.transformer is not None and m.transformer.context_window == 131072
    assert get_model("Llama 3.1 8B").key == "llama-3.1-8b"
    assert get_model("llama-3-8b").transformer.context_window == 8192  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["llama-3.1-13b", "llama-3.4-70b", "qwen25-7b", "mistral-8b"])
def test_a_near_miss_is_an_error_with_the_closest_never_a_substitute(name: str) -> None:
    with pytest.raises(UnknownModel) as info:
        get_model(name)
    assert info.value.closest and info.value.exit_code == 2


def test_dots_in_versions_are_kept_when_names_are_compared() -> None:
    """'Qwen2.5-7B' and a hypothetical 'Qwen2-57B' must not normalise to the same name."""
    assert get_model("Qwen2.5-7B").key == "qwen2.5-7b"
    with pytest.raises(UnknownModel):
        get_model("qwen2-57b")


def test_the_zoo_lists_families_people_run() -> None:
    keys = {m.key for m in all_models()}
    assert {"llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "llama-3.2-1b", "llama-3.2-3b", "llama-3.3-70b",
            "qwen2.5-7b", "qwen2.5-14b", "qwen2.5-32b", "qwen2.5-72b", "qwen3-30b-a3b", "qwen3-235b-a22b",
            "mistral-7b", "mixtral-8x7b", "mixtral-8x22b", "mistral-small-24b", "mistral-nemo-12b", "gemma-2-9b",
            "gemma-2-27b", "gemma-3-27b", "phi-3-mini", "phi-4", "deepseek-v2-lite", "deepseek-v3"} <= keys
