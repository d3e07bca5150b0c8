"""``metrics: off`` as docs/gateway.md writes it (``admin``, ``public``, or ``off``), unquoted, the way
every other setting of the file is written: the gateway must read it as the ``off`` mode. YAML 1.1
(the loader's) reads a bare ``off`` as the boolean false, and the configuration then refuses the
documented value with "Input should be 'off', 'admin' or 'public'" (value 'False')."""

from __future__ import annotations

from pathlib import Path

import pytest

from sobria.gateway.config import load_config
from tests.gateway.support import free_port, write_policy


@pytest.mark.parametrize("written", ["off", "Off", "OFF"])
def test_metrics_off_written_unquoted_is_the_off_mode(tmp_path: Path, written: str) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text(f"policy: {write_policy(tmp_path)}\ntool: passerelle-sobria\nmetrics: {written}\nupstreams:\n"
                    f"  - {{name: fake, base_url: 'http://127.0.0.1:{free_port()}/v1', models: [gpt-4o-mini]}}\n",
                    encoding="utf-8")
    assert load_config(path).metrics == "off"
