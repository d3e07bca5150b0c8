"""The one place where the command line's own words are written: help pages and usage errors.

Typer and Click print their help and their errors in English, with Python type names as
metavars (``<str>``, ``<bool>``...). Every Sobria command is built by :class:`SobriaTyper`, whose
commands and groups render their help here, from the locale catalogues (``cli.*`` keys), so the
help is in French by default and in English with ``--lang en`` or ``SOBRIA_LANG=en``.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

import typer
from typer import _click as click
from typer._click.exceptions import BadOptionUsage, BadParameter, MissingParameter, NoSuchOption
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption
from typer.models import CommandFunctionType

from sobria.i18n import Translator
from sobria.settings import Settings

TYPE_WORDS = {int: "cli.type.number", float: "cli.type.number", bool: "cli.type.yes_no"}


def help_translator(ctx: click.Context | None) -> Translator:
    """The language of the help: ``--lang`` if already parsed, else the settings (SOBRIA_LANG), else French."""
    lang = ctx.find_root().params.get("lang") if ctx is not None else None
    if lang not in ("fr", "en"):
        try:
            lang = Settings().lang
        except ValueError:
            lang = "fr"
    return Translator.for_lang(str(lang))


def metavar(param: click.Parameter, t: Translator) -> str:
    """A word for the value a parameter takes (nothing for a flag), never a Python type name."""
    if isinstance(param, TyperOption) and param.is_flag:
        return ""
    desc = getattr(param, "type_descriptor", None)
    if desc is None:
        return t("cli.type.text")
    if desc.is_choice:
        word = "|".join(str(getattr(c, "value", c)) for c in desc.choices or ())
    elif desc.is_datetime:
        word = t("cli.type.date")
    elif desc.is_path:
        word = t("cli.type.folder" if desc.path_type == "dir" else "cli.type.file")
    else:
        base = desc.annotation
        if desc.is_list and typing.get_args(base):
            base = typing.get_args(base)[0]
        word = t(TYPE_WORDS.get(base, "cli.type.text"))
    return word + ("..." if desc.is_list or param.nargs != 1 else "")


def usage_line(cmd: click.Command, ctx: click.Context, t: Translator) -> str:
    pieces = [ctx.command_path, t("cli.usage.options")]
    for param in cmd.get_params(ctx):
        if isinstance(param, TyperArgument):
            name = (param.name or "").upper()
            pieces.append(name + ("..." if param.nargs != 1 else ""))
    if isinstance(cmd, TyperGroup):
        pieces.append(t("cli.usage.command"))
    return t("cli.usage", usage=" ".join(pieces))


def _param_help(param: click.Parameter, t: Translator) -> str:
    if isinstance(param, TyperOption) and param.name == "help":
        return t("cli.help_option")
    text = getattr(param, "help", None) or ""
    extra: list[str] = []
    default = param.default
    show = getattr(param, "show_default", True)
    flag = isinstance(param, TyperOption) and param.is_flag
    if show is not False and not flag and default is not None and default != () and not callable(default):
        extra.append(t("cli.default", default=_default_text(default)))
    if param.required:
        extra.append(t("cli.required"))
    return " ".join([text, *extra]).strip()


def _default_text(default: Any) -> str:
    if isinstance(default, (list, tuple)):
        return ", ".join(str(d) for d in default)
    return str(getattr(default, "value", default))


def _rows(cmd: click.Command, ctx: click.Context, t: Translator) -> tuple[list[tuple[str, str]], ...]:
    arguments: list[tuple[str, str]] = []
    options: list[tuple[str, str]] = []
    for param in cmd.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        if isinstance(param, TyperArgument):
            arguments.append(((param.name or "").upper(), _param_help(param, t)))
            continue
        names = ", ".join([*param.opts, *param.secondary_opts])
        word = metavar(param, t)
        options.append((f"{names} {word}".strip(), _param_help(param, t)))
    commands: list[tuple[str, str]] = []
    if isinstance(cmd, TyperGroup):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                commands.append((name, sub.get_short_help_str(limit=150)))
    return arguments, options, commands


def render_help(cmd: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    """Write the help page of ``cmd`` in the user's language."""
    t = help_translator(ctx)
    formatter.write(usage_line(cmd, ctx, t) + "\n")
    if cmd.help:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(cmd.help)
    arguments, options, commands = _rows(cmd, ctx, t)
    for title, rows in (("cli.section.arguments", arguments), ("cli.section.options", options),
                        ("cli.section.commands", commands)):
        if rows:
            with formatter.section(t(title)):
                formatter.write_dl(rows)


def show_usage_error(err: click.ClickException, args: list[str]) -> None:
    """Print a usage error (unknown option, missing argument...) in the user's language."""
    ctx = getattr(err, "ctx", None)
    t = help_translator(ctx)
    if ctx is not None:
        typer.echo(usage_line(ctx.command, ctx, t), err=True)
        typer.echo(t("cli.try_help", command=f"{ctx.command_path} --help"), err=True)
    typer.echo(t("cli.error", message=error_message(err, t)), err=True)


def error_message(err: click.ClickException, t: Translator) -> str:
    """Click's error, re-worded from its fields rather than its English text."""
    if isinstance(err, NoSuchOption):
        text = t("cli.no_such_option", option=err.option_name)
        if err.possibilities:
            text += " " + t("cli.did_you_mean", options=", ".join(sorted(err.possibilities)))
        return text
    if isinstance(err, MissingParameter):
        param = err.param
        name = (param.name or "").upper() if isinstance(param, TyperArgument) else (
            "/".join(param.opts) if param is not None else "")
        key = "cli.missing_argument" if isinstance(param, TyperArgument) else "cli.missing_option"
        return t(key, name=name)
    if isinstance(err, BadParameter):
        param = err.param
        hint = err.param_hint or (param.get_error_hint() if isinstance(param, (TyperOption, TyperArgument)) else "")
        return t("cli.bad_value", name=hint, detail=err.message)
    if isinstance(err, BadOptionUsage) and "requires" in err.message:
        return t("cli.option_needs_value", option=err.option_name)
    return _generic_message(err.format_message(), t)


def _generic_message(message: str, t: Translator) -> str:
    if message.startswith("No such command"):
        return t("cli.no_such_command", name=message.split(" ", 3)[3].rstrip("."))
    if message.startswith("Got unexpected extra argument"):
        return t("cli.extra_arguments", arguments=message.split("(", 1)[-1].rstrip(")"))
    if message.startswith("Missing command"):
        return t("cli.missing_command")
    return message


class SobriaCommand(TyperCommand):
    """A Typer command whose help is written by :func:`render_help`."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        render_help(self, ctx, formatter)


class SobriaGroup(TyperGroup):
    """A Typer group whose help is written by :func:`render_help`."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        render_help(self, ctx, formatter)


class SobriaTyper(typer.Typer):
    """``typer.Typer`` whose groups and commands speak the user's language."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", SobriaGroup)
        kwargs.setdefault("rich_markup_mode", None)
        super().__init__(**kwargs)

    def command(self, name: str | None = None, **kwargs: Any) -> Callable[[CommandFunctionType], CommandFunctionType]:
        kwargs.setdefault("cls", SobriaCommand)
        return super().command(name, **kwargs)
