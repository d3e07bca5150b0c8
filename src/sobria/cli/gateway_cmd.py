"""`sobria gateway`: serve the OpenAI-compatible gateway that applies the charter."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sobria.cli.context import cli_context
from sobria.cli.help import SobriaTyper
from sobria.gateway.config import load_config

app = SobriaTyper(help="Passerelle compatible OpenAI qui applique la charte en direct.")


@app.callback(invoke_without_command=True)
def gateway(
    ctx: typer.Context,
    config: Annotated[Path, typer.Option("--config", help="fichier de configuration YAML")] = Path(
        "sobria-gateway.yaml"),
    host: Annotated[str | None, typer.Option("--host", help="adresse d'écoute (sinon : listen.host)")] = None,
    port: Annotated[int | None, typer.Option("--port", help="port d'écoute (sinon : listen.port)")] = None,
) -> None:
    """Démarrer la passerelle (Ctrl-C pour l'arrêter)."""
    from sobria.gateway.server import serve

    c = cli_context(ctx)
    cfg = load_config(config)
    typer.echo(c.t("gateway.serve.starting", host=host or cfg.listen.host,
                   port=port if port is not None else cfg.listen.port, policy=cfg.policy, journal=cfg.journal),
               err=True)
    serve(cfg, c.settings, host, port)
