from dataclasses import dataclass
from pathlib import Path

import pytest

from twin.cli.main import main

from .samples import BAD, SMALL


@dataclass
class Outcome:
    code: int
    out: str
    err: str


@pytest.fixture
def twin(capsys, monkeypatch):
    """Run the twin command in this process and return its exit status and output."""
    monkeypatch.delenv("TWIN_LANG", raising=False)

    def run(*args: str) -> Outcome:
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return run


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    return path
