"""``python -m sobria.gateway --config FILE``: the gateway without the ``sobria`` command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sobria.errors import UserInputError
from sobria.gateway.config import load_config
from sobria.gateway.server import serve
from sobria.i18n import Translator
from sobria.settings import build_settings, error_lang


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sobria.gateway")
    parser.add_argument("--config", type=Path, default=Path("sobria-gateway.yaml"))
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    try:
        settings = build_settings()
        serve(load_config(args.config), settings, args.host, args.port)
    except UserInputError as err:  # the edge: a localised message and exit code 2, no traceback
        print(Translator.for_lang(error_lang()).error(err), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
