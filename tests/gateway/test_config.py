"""The configuration file: valid files load, every mistake names its line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sobria.errors import Location, UserInputError
from sobria.gateway.config import load_config, parse_config
from sobria.i18n import Translator

GOOD = """\
policy: politique.yaml
tool: passerelle-sobria
journal: journal
upstreams:
  - name: openai
    base_url: https://api.openai.com/v1
    api_key_env: OPENAI_API_KEY
    models: [gpt-4o-mini]
"""


def test_paths_are_resolved_against_the_file(tmp_path: Path) -> None:
    path = tmp_path / "gw.yaml"
    path.write_text(GOOD, encoding="utf-8")
    config = load_config(path)
    assert (config.policy, config.journal) == (str(tmp_path / "politique.yaml"), str(tmp_path / "journal"))
    assert (config.listen.port, config.upstreams[0].timeout_s, config.lang) == (8080, 60.0, None)  # SOBRIA_LANG


@pytest.mark.parametrize(("text", "line", "field"), [
    (GOOD.replace("    models:", "    modles:"), 8, "upstreams[0].modles"),
    (GOOD.replace("https://api.openai.com/v1", "api.openai.com"), 6, "upstreams[0].base_url"),
    (GOOD + "listen:\n  port: huit\n", 10, "listen.port"),
    (GOOD.replace("tool: passerelle-sobria\n", ""), 1, "tool"),
])
def test_errors_name_line_and_field(text: str, line: int, field: str) -> None:
    with pytest.raises(UserInputError) as caught:
        parse_config(text, "gw.yaml")
    assert caught.value.key == "gateway.config.invalid"
    assert caught.value.where == Location(file="gw.yaml", line=line, field=field)


def test_syntax_error_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as caught:
        parse_config("policy: [unclosed\n", "gw.yaml")
    assert (caught.value.key, caught.value.where.line) == ("yaml.syntax", 2)
    with pytest.raises(UserInputError) as missing:
        load_config(tmp_path / "absent.yaml")
    assert Translator.for_lang("fr").error(missing.value) == (
        f"{tmp_path / 'absent.yaml'} : fichier introuvable : {tmp_path / 'absent.yaml'}")


def test_cli_refuses_a_tool_missing_from_the_policy(tmp_path: Path) -> None:
    import datetime as dt
    import subprocess
    import sys

    from sobria.policy.loader import policy_template

    (tmp_path / "politique.yaml").write_text(policy_template(dt.date(2026, 1, 1)), encoding="utf-8")
    config = tmp_path / "gw.yaml"
    config.write_text(GOOD.replace("passerelle-sobria", "passerelle") + f"store: sqlite:///{tmp_path / 'g.db'}\n",
                      encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sobria.gateway", "--config", str(config)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr == (f"champ « tool » : l'outil « passerelle » n'est pas déclaré dans la politique "
                           f"{tmp_path / 'politique.yaml'} (outils : passerelle-sobria, chatgpt-entreprise, "
                           "chatgpt-gratuit, chatbot-support, tri-cv, midjourney)\n")
