"""The CLI run in this process against an initialised store in a folder (hostile-input tests)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

from sobria.cli.app import run


class Sobria:
    """An initialised store in a folder, and the CLI run in this process."""

    def __init__(self, folder: Path, capsys: pytest.CaptureFixture[str], *, init: bool = True) -> None:
        self.folder, self.capsys = folder, capsys
        if init:
            assert self("init")[0] == 0

    def __call__(self, *args: str) -> tuple[int, str]:
        """Exit code and standard error of ``sobria ARGS``."""
        return self.run(*args)[::2]

    def run(self, *args: str) -> tuple[int, str, str]:
        """Exit code, standard output and standard error of ``sobria ARGS``."""
        self.capsys.readouterr()
        code = run(list(args))
        out = self.capsys.readouterr()
        return code, out.out, out.err

    def dump_hash(self) -> str:
        with sqlite3.connect(self.folder / "sobria.db") as db:
            return hashlib.sha256("\n".join(db.iterdump()).encode()).hexdigest()

    def files(self) -> set[str]:
        return {str(p.relative_to(self.folder)) for p in self.folder.rglob("*") if "sobria.db" not in p.name}


def sobria_in(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *,
              init: bool = True) -> Sobria:
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SOBRIA_DB", f"sqlite:///{folder / 'sobria.db'}")
    monkeypatch.setenv("SOBRIA_SECRET_FILE", str(folder / "secret.key"))
    monkeypatch.setenv("SOBRIA_LANG", "fr")
    return Sobria(folder, capsys, init=init)


def assert_refused(code: int, err: str, name: str, line: int | None, field: str | None) -> None:
    """Exit 2, no traceback, the file named, with its line (``file:line``) and field when given."""
    assert code == 2, err
    assert "Traceback" not in err
    assert name in err
    if line is not None:
        assert re.search(rf"{re.escape(name)}:{line}\b", err), err
    if field is not None:
        assert f"« {field} »" in err, err
