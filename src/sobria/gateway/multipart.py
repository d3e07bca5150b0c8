"""``multipart/form-data`` bodies (audio transcriptions): read their text fields, and write them back
with some fields replaced (a redaction, a routed model), every other byte as it came.

Only what the gateway needs: the parts split on the boundary, each part's ``name`` and whether it
is a file (``filename``); a file's bytes are never decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_NAME = re.compile(rb'\bname="([^"]*)"', re.IGNORECASE)
_FILENAME = re.compile(rb'\bfilename="', re.IGNORECASE)


class FormError(ValueError):
    """Not a multipart body the gateway can read."""


@dataclass(slots=True)
class Part:
    head: bytes  # the part's header lines
    name: str
    is_file: bool
    content: bytes


@dataclass(slots=True)
class Form:
    boundary: bytes
    preamble: bytes
    parts: list[Part]
    epilogue: bytes

    def fields(self) -> dict[str, str]:
        """The text fields (not the files), decoded as UTF-8 (a FormError otherwise)."""
        found: dict[str, str] = {}
        for part in self.parts:
            if not part.is_file:
                try:
                    found[part.name] = part.content.decode("utf-8")
                except UnicodeDecodeError:
                    raise FormError(f"field {part.name!r} is not UTF-8 text") from None
        return found

    def with_fields(self, values: dict[str, str]) -> bytes:
        """The body with the text fields named in ``values`` replaced (and new ones appended)."""
        seen: set[str] = set()
        out = [self.preamble]
        delimiter = b"--" + self.boundary
        for part in self.parts:
            content = part.content
            if not part.is_file and part.name in values:
                content = values[part.name].encode("utf-8")
                seen.add(part.name)
            out.append(delimiter + b"\r\n" + part.head + b"\r\n\r\n" + content + b"\r\n")
        for name, value in values.items():
            if name not in seen:
                head = f'Content-Disposition: form-data; name="{name}"'.encode()
                out.append(delimiter + b"\r\n" + head + b"\r\n\r\n" + value.encode("utf-8") + b"\r\n")
        out.append(delimiter + b"--" + self.epilogue)
        return b"".join(out)


def parse_form(body: bytes, content_type: str | None) -> Form:
    """Split a ``multipart/form-data`` body; a FormError if it is not one."""
    if not content_type or not content_type.lower().startswith("multipart/form-data"):
        raise FormError("not multipart/form-data")
    match = _BOUNDARY.search(content_type)
    if match is None:
        raise FormError("no boundary")
    boundary = match.group(1).encode("latin-1")
    delimiter = b"--" + boundary
    sections = body.split(delimiter)
    if len(sections) < 3 or not sections[-1].startswith(b"--"):
        raise FormError("no closing boundary")
    parts = []
    for section in sections[1:-1]:
        if not section.startswith(b"\r\n") or not section.endswith(b"\r\n"):
            raise FormError("malformed part")
        head, sep, content = section[2:-2].partition(b"\r\n\r\n")
        name = _NAME.search(head)
        if not sep or name is None:
            raise FormError("part without a name")
        parts.append(Part(head, name.group(1).decode("utf-8", "replace"), bool(_FILENAME.search(head)), content))
    return Form(boundary, sections[0], parts, sections[-1][2:])
