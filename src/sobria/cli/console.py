"""The one way the CLI makes a Rich console: data is never read as Rich markup.

Team, model and tool names come from imported files; with markup on, a team called ``[/oops]``
would crash every later command and ``[link=...]`` would forge output. Every console of the CLI
is made here with markup, emoji codes and highlighting off; style is given with ``Text`` and
``style=`` arguments, never inside strings.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console


def plain_console(**options: Any) -> Console:
    """A Rich console that prints every string as it is (``stderr=``, ``width=``... pass through); its
    messages are not wrapped when the output is not a terminal (French numbers group digits with a
    narrow space, at which Rich would break a line)."""
    options.update(markup=False, emoji=False, highlight=False)
    console = Console(**options)
    if "soft_wrap" not in options and not console.is_terminal:
        console.soft_wrap = True    # piped or to a file: one message per line, never a number cut at its space
    return console
