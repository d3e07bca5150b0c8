"""Running `sobria` through its real main() in a subprocess, with a store and secret in ``folder``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

MAIN = "from sobria.cli.app import main\nmain()\n"


def env_for(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRIA_")}
    src = str(Path(__file__).resolve().parents[2] / "src")
    root = str(Path(__file__).resolve().parents[2])
    return {**env, "SOBRIA_DB": f"sqlite:///{folder / 'sobria.db'}", "SOBRIA_SECRET_FILE": str(folder / "secret.key"),
            "PYTHONPATH": os.pathsep.join([src, root]), "COLUMNS": "160"}


def sobria(args: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", MAIN, *args], cwd=folder, env=env_for(folder),
                          capture_output=True, text=True, timeout=300, check=False)
