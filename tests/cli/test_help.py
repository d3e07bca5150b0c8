"""`sobria --help` and usage errors in the user's language, with no Python type names as metavars."""

from __future__ import annotations

import re

import pytest

from sobria.cli.app import run

ENGLISH_CLICK = ("Usage:", "Show this message and exit.", "Commands:", "[default:", "[required]",
                 "No such option", "Missing argument", "Try '", "Error:")
TYPE_NAMES = re.compile(r"<(str|bool|int|float|path|list\[\w+\])>|\b(TEXT|INTEGER|PATH|FLOAT|BOOLEAN|FILENAME)\b")
PAGES = (["--help"], ["import", "--help"], ["audit", "--help"], ["estimate", "--help"], ["pii", "--help"])


def sobria(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("args", PAGES)
def test_help_is_french_by_default(args: list[str], capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOBRIA_LANG", raising=False)
    code, out, _ = sobria(capsys, *args)
    assert code == 0
    assert out.startswith("Utilisation : sobria")
    assert "Affiche cette aide et quitte." in out
    for phrase in ENGLISH_CLICK:
        assert phrase not in out
    assert TYPE_NAMES.search(out) is None, TYPE_NAMES.search(out)


def test_import_help_words(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOBRIA_LANG", raising=False)
    _, out, _ = sobria(capsys, "import", "--help")
    assert "Utilisation : sobria import [OPTIONS] KIND FILES..." in out
    assert "Arguments:" in out and "Options:" in out
    assert "fichiers à importer [obligatoire]" in out
    assert "--people FICHIER" in out
    assert re.search(r"^  --skip-invalid +écrire les lignes valides", out, re.M)  # a flag has no metavar


def test_root_help_lists_commands_in_french(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOBRIA_LANG", raising=False)
    _, out, _ = sobria(capsys, "--help")
    assert "Utilisation : sobria [OPTIONS] COMMANDE [ARGUMENTS]..." in out
    assert "Commandes:" in out and "  audit " in out


@pytest.mark.parametrize("how", ["env", "option"])
def test_help_in_english(how: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOBRIA_LANG", raising=False)
    if how == "env":
        monkeypatch.setenv("SOBRIA_LANG", "en")
        args = ["audit", "--help"]
    else:
        args = ["--lang", "en", "audit", "--help"]
    code, out, _ = sobria(capsys, *args)
    assert code == 0
    assert out.startswith("Usage: sobria audit [OPTIONS]")
    assert "Show this message and exit." in out and "--policy FILE" in out
    assert "Utilisation" not in out and "Affiche cette aide" not in out


def test_unknown_option_is_a_french_error(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOBRIA_LANG", raising=False)
    code, out, err = sobria(capsys, "audit", "--bogus")
    assert code == 2 and out == ""
    assert err == ("Utilisation : sobria audit [OPTIONS]\n"
                   "Essayez « sobria audit --help » pour l'aide.\n"
                   "Erreur : option inconnue : --bogus.\n")


def test_missing_argument_and_unknown_command(capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOBRIA_LANG", raising=False)
    code, _, err = sobria(capsys, "import")
    assert code == 2 and err.endswith("Erreur : argument manquant : KIND.\n")
    code, _, err = sobria(capsys, "nope")
    assert code == 2 and err.endswith("Erreur : commande inconnue : 'nope'.\n")
    code, _, err = sobria(capsys, "audit", "--from")
    assert code == 2 and err.endswith("Erreur : l'option --from attend une valeur.\n")


def test_unknown_option_in_english(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOBRIA_LANG", "en")
    code, _, err = sobria(capsys, "audit", "--bogus")
    assert code == 2 and err.endswith("Error: no such option: --bogus.\n")
