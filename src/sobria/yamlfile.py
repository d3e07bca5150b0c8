"""The one YAML reader: every YAML file a person gives Sobria (policy, gateway configuration, AI Act
inventory, maturity questionnaire) is read here, with the line of every key and value.

The document is composed once into nodes (whose marks carry line numbers) under bounds checked
*before* anything is expanded: the file's size, the nesting depth, the number of aliases, and the
number of nodes once aliases are expanded (a "billion laughs" file of a few kilobytes expands to
billions of nodes; it is refused after counting, in linear time, without building them). Dates
stay text, so that an impossible date is a schema error with its line rather than a parser crash.
Every number must be finite and plausible: ``.nan``, ``.inf``, ``1.0e+999`` (which overflows to
infinity) and integers of ``MAX_INT_DIGITS`` digits or more are refused here, for every schema at
once, with the file, line and field (a NaN budget would otherwise pass every ``< 0`` check and
print "NaN kgCO2e" in the charter). Every problem is a :class:`~sobria.errors.UserInputError`
naming the file and the line.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sobria.errors import Location, UserInputError

PathKey = tuple[str | int, ...]
MAX_BYTES = 2_000_000     # a policy or configuration of a large organisation is under 100 kB
MAX_DEPTH = 64            # nesting levels, aliases expanded
MAX_ALIASES = 1_000       # alias uses (*name) in one document
MAX_NODES = 200_000       # nodes once aliases are expanded
MAX_INT_DIGITS = 19       # 10^18 is past any count, budget or duration a configuration holds


@dataclass
class Positions:
    """Line numbers (1-based) of every value and every mapping key of a YAML document."""

    values: dict[PathKey, int] = field(default_factory=dict)
    keys: dict[PathKey, int] = field(default_factory=dict)

    def line(self, path: PathKey) -> int | None:
        """The line of ``path``'s value, or of its nearest ancestor present in the file."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return None

    def key_line(self, path: PathKey) -> int | None:
        return self.keys.get(path) or self.line(path)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed document: plain data (``None`` when empty), where each part is, repeated keys."""

    data: Any
    positions: Positions
    duplicates: tuple[tuple[int, PathKey], ...] = ()   # (line, path) of each key given twice


def read_yaml_text(path: Path) -> str:
    """The text of a YAML file; missing, a directory, too large or not UTF-8 are user errors."""
    name = str(path)
    where = Location(file=name)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise UserInputError("yaml.not_a_file", {"path": name}, where)
        if size > MAX_BYTES:
            raise UserInputError("yaml.too_large", {"size": size, "limit": MAX_BYTES}, where)
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserInputError("yaml.no_file", {"path": name}, where) from None
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        raise UserInputError("yaml.encoding", {}, Location(file=name, line=line)) from None
    except OSError as err:
        raise UserInputError("yaml.unreadable", {"path": name, "reason": os.strerror(err.errno or 0)},
                             where) from None


def load_yaml(path: Path) -> YamlDocument:
    """:func:`read_yaml_text` then :func:`parse_yaml`."""
    return parse_yaml(read_yaml_text(path), str(path))


def parse_yaml(text: str, file: str) -> YamlDocument:
    """Parse one YAML document within the bounds above; raises :class:`UserInputError`."""
    if len(text) > MAX_BYTES:
        raise UserInputError("yaml.too_large", {"size": len(text), "limit": MAX_BYTES}, Location(file=file))
    loader = _BoundedLoader(text, file)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, Positions())
        _check_expansion(node, file)
        data = loader.construct_document(node)
        implausible = loader.implausible
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UserInputError("yaml.syntax", {"detail": exc.problem or str(exc)},
                             Location(file=file, line=mark.line + 1 if mark else None)) from None
    except yaml.YAMLError as exc:  # a reader error (control character...) carries a position too
        line = text[: getattr(exc, "position", 0)].count("\n") + 1
        raise UserInputError("yaml.syntax", {"detail": str(exc).splitlines()[0]},
                             Location(file=file, line=line)) from None
    finally:
        loader.dispose()
    positions = Positions()
    duplicates: list[tuple[int, PathKey]] = []
    _record(node, (), positions, duplicates)
    if implausible:
        _refuse_number(node, implausible, file)
    return YamlDocument(data, positions, tuple(duplicates))


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader with dates as text and a bound on nesting depth and alias uses while composing."""

    def __init__(self, text: str, file: str) -> None:
        super().__init__(text)
        self._file = file
        self._depth = 0
        self._aliases = 0
        self.implausible: set[int] = set()   # ids of the number nodes that are not finite or too long

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        value: float = super().construct_yaml_float(node)
        if not math.isfinite(value):
            self.implausible.add(id(node))
        return value

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value: int = super().construct_yaml_int(node)
        if len(str(node.value).lstrip("+-").replace("_", "")) >= MAX_INT_DIGITS:
            self.implausible.add(id(node))
        return value

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _limit("yaml.too_many_aliases", MAX_ALIASES, self._file, event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _limit("yaml.too_deep", MAX_DEPTH, self._file, event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_BoundedLoader.add_constructor("tag:yaml.org,2002:float", _BoundedLoader.construct_yaml_float)
_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _BoundedLoader.construct_yaml_int)
_BoundedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _limit(key: str, limit: int, file: str, mark: Any) -> UserInputError:
    return UserInputError(key, {"limit": limit}, Location(file=file, line=mark.line + 1 if mark else None))


def _check_expansion(root: yaml.Node, file: str) -> None:
    """Refuse a document whose aliases expand past ``MAX_NODES`` nodes or ``MAX_DEPTH`` levels.

    Sizes and heights are computed once per distinct node (post-order, no recursion), so the
    check costs the size of the file, not of the expansion; an alias cycle is refused too.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = _children(node)
            size[key] = 1 + sum(size[id(c)] for c in children)
            height[key] = 1 + max((height[id(c)] for c in children), default=0)
            on_path.discard(key)
            if size[key] > MAX_NODES:
                raise _limit("yaml.too_many_nodes", MAX_NODES, file, node.start_mark)
            if height[key] > MAX_DEPTH:
                raise _limit("yaml.too_deep", MAX_DEPTH, file, node.start_mark)
            continue
        if key in size:
            continue
        if key in on_path:
            raise _limit("yaml.recursive_alias", MAX_DEPTH, file, node.start_mark)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _refuse_number(root: yaml.Node, implausible: set[int], file: str) -> None:
    """Raise for the first number (in document order) of ``implausible``, naming its line and field."""
    stack: list[tuple[yaml.Node, PathKey]] = [(root, ())]
    seen: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in implausible:
            raise UserInputError("yaml.not_finite", {"value": str(node.value)[:40], "field": field_name(path)},
                                 Location(file=file, line=node.start_mark.line + 1, field=field_name(path) or None))
        if id(node) in seen:  # an alias: its content was visited under its anchor's path
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(reversed([(value, (*path, str(key.value))) for key, value in node.value]))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed([(item, (*path, index)) for index, item in enumerate(node.value)]))


def field_name(path: PathKey) -> str:
    """``('models', 'heavy', 'models', 1)`` as ``models.heavy.models[1]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _record(node: yaml.Node, path: PathKey, positions: Positions, duplicates: list[tuple[int, PathKey]]) -> None:
    """Lines of every value and key (bounded: the expansion was checked first)."""
    positions.values[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = (*path, key)
            if key in seen:
                duplicates.append((key_node.start_mark.line + 1, child))
            seen.add(key)
            positions.keys.setdefault(child, key_node.start_mark.line + 1)  # a repeated key: the first
            _record(value_node, child, positions, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record(item, (*path, index), positions, duplicates)
