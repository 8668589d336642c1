"""Ctrl-C at the edges of a command: while its modules load, and while the report is written."""

import signal
import sys

import pytest

from twin.cli import entry
from twin.cli import run as run_module
from twin.cli.exits import EXIT_INTERRUPTED
from twin.cli.main import main
from twin.ledger.audit import verify

from .samples import ROOT


class _CtrlCOnImport:
    """A module finder that raises KeyboardInterrupt when ``twin.cli.main`` is imported."""

    def find_spec(self, name, path=None, target=None):
        if name == "twin.cli.main":
            raise KeyboardInterrupt
        return None


@pytest.fixture
def python_sigint():
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize(("lang", "message"), [("en", "Interrupted (Ctrl-C)."), ("zh", "已中断（Ctrl-C）。")])
def test_ctrl_c_while_loading_exits_130(monkeypatch, capsys, lang, message):
    monkeypatch.delitem(sys.modules, "twin.cli.main")
    monkeypatch.setattr(sys, "meta_path", [_CtrlCOnImport(), *sys.meta_path])
    monkeypatch.setattr(sys, "argv", ["twin", "--lang", lang, "run", "x.yaml"])
    assert entry.main() == EXIT_INTERRUPTED
    assert capsys.readouterr().err.strip() == message


def test_ctrl_c_during_report_keeps_run(tmp_path, monkeypatch, capsys, python_sigint):
    original = run_module.write_report

    def ctrl_c_then_write(*args, **kwargs):
        signal.raise_signal(signal.SIGINT)
        return original(*args, **kwargs)

    monkeypatch.setattr(run_module, "write_report", ctrl_c_then_write)
    out = tmp_path / "run"
    status = main(["--lang", "en", "run", str(ROOT / "scenarios" / "lifecycle_demo.yaml"), "--out", str(out)])
    assert status == EXIT_INTERRUPTED
    assert (out / "report.html").exists()
    assert verify(out / "ledger.db").ok
    assert "Interrupted again" not in capsys.readouterr().err
