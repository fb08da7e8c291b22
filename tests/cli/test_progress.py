"""Signs of life on stderr: a spinner on a terminal, one plain line for the catalog's first-run index."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from dlrig.cli import progress


class Screen:
    def __init__(self, terminal: bool) -> None:
        self.file = io.StringIO()
        self.terminal = terminal

    def console(self) -> Console:
        return Console(file=self.file, force_terminal=self.terminal, width=100)


@pytest.fixture()
def screen(monkeypatch: pytest.MonkeyPatch) -> Screen:
    s = Screen(terminal=True)
    monkeypatch.setattr(progress, "_console", s.console)
    return s


def test_a_terminal_shows_a_spinner_with_the_step(screen: Screen) -> None:
    with progress.busy("planning: building candidates and solving …"):
        pass
    assert "planning: building candidates and solving" in screen.file.getvalue()


def test_the_catalog_index_inside_a_step_changes_its_line_and_gives_it_back(screen: Screen) -> None:
    reporter = progress.CatalogReporter()
    with progress.busy("planning …"):  # Rich shows one live display at a time: no second spinner
        reporter.started("indexing the catalog's names (once per catalog version)")
        assert progress._shown[-1][1].startswith("indexing the catalog's names")
        reporter.finished("indexing the catalog's names")
        assert progress._shown[-1][1] == "planning …"
    assert not progress._shown


def test_off_a_terminal_no_spinner_but_the_first_run_index_says_why_it_pauses(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    s = Screen(terminal=False)
    monkeypatch.setattr(progress, "_console", s.console)
    with progress.busy("fitting …"):
        pass
    reporter = progress.CatalogReporter()
    reporter.started("indexing the catalog's names (once per catalog version)")
    reporter.finished("indexing the catalog's names")
    captured = capsys.readouterr()
    assert s.file.getvalue() == "" and captured.out == ""
    assert captured.err == "dlrig: indexing the catalog's names (once per catalog version) …\n"


def test_the_cli_catalog_reports_through_it() -> None:
    from dlrig.cli.common import catalog

    assert isinstance(catalog().reporter, progress.CatalogReporter)
