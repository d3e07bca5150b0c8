"""Command-line edge: parse, call services, render. Only this package imports Typer and Rich."""
