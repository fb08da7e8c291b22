"""The contract under fuzzing, in CI (issue 19): every command on generated input exits 0, 1 or 2,
prints one strict JSON document with ``--json``, no traceback, in under 10 s; and the parsers
behind them raise nothing but ``DlrigError`` on any text.

A small, derandomized budget (the same cases on every run; about 30 s on 2 cores in all);
``python benchmarks/fuzz_cli.py`` runs the same generators over 10,000 inputs. Every failure
either found is kept as a case under tests/corpus/ (tests/test_hostile_corpus.py).
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dlrig.errors import DlrigError

from .inputs import COMMANDS, Case, build_texts, cloud_csvs, commands, part_lists, price_csvs, run_case

pytestmark = pytest.mark.slow

PER_COMMAND = 3  # command lines per command: 19 commands, about 15 s
PER_PARSER = 40  # texts per parser (milliseconds each)


def bounded(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_keeps_the_contract(command: str) -> None:
    @bounded(PER_COMMAND)
    @given(commands(command))
    def run(case: Case) -> None:
        with tempfile.TemporaryDirectory(prefix="dlrig-fuzz-") as folder:
            out = run_case(case, Path(folder))
        assert out.ok, f"{case.label()}: {out.problem}"

    run()


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    from dlrig.catalog.store import default_catalog

    return default_catalog()


def test_build_files_raise_only_dlrig_errors(catalog) -> None:  # type: ignore[no-untyped-def]
    from dlrig.services.inputs import BuildSource, load_build

    @bounded(PER_PARSER)
    @given(build_texts())
    def run(text: str) -> None:
        with contextlib.suppress(DlrigError):
            load_build(BuildSource.from_text(text or " ", "auto"), catalog)

    run()


def test_part_lists_raise_only_dlrig_errors(catalog) -> None:  # type: ignore[no-untyped-def]
    from dlrig.services.inputs import BuildSource, load_build

    @bounded(PER_PARSER // 2)  # unmatched names cost a fuzzy search each
    @given(part_lists())
    def run(text: str) -> None:
        with contextlib.suppress(DlrigError):
            load_build(BuildSource.from_text(text, "pcpartpicker"), catalog)

    run()


def test_price_files_raise_only_dlrig_errors(catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dlrig.catalog.prices import load_csv_book
    from dlrig.cost.cloud import load_cloud_prices

    @bounded(PER_PARSER)
    @given(price_csvs(), cloud_csvs(), st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    def run(prices: str, cloud: str, encoding: str) -> None:
        for name, text, load in (("p.csv", prices, lambda p: load_csv_book(p, catalog)),
                                 ("c.csv", cloud, load_cloud_prices)):
            path = tmp_path / name
            path.write_bytes(text.encode(encoding, "replace"))
            with contextlib.suppress(DlrigError):
                load(path)

    run()


def test_yaml_of_any_text_is_data_or_a_malformed_file() -> None:
    from dlrig.errors import MalformedFile
    from dlrig.safe_yaml import load_yaml

    @bounded(PER_PARSER * 2)
    @given(st.text(max_size=300) | build_texts())
    def run(text: str) -> None:
        with contextlib.suppress(MalformedFile):
            load_yaml(text, "fuzz")

    run()
