"""``multipart/form-data`` bodies (audio transcriptions): read their text fields, and write them back
with some fields replaced (a redaction, a routed model), every other byte as it came.

Only what the gateway needs: the parts split on the boundary, each part's ``name`` and, for a file,
its ``filename`` (a text a person chose, scanned by the charter like a field); a file's bytes are
never decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)
_NAME = re.compile(rb'\bname="([^"]*)"', re.IGNORECASE)
_FILENAME = re.compile(rb'\bfilename="([^"\r\n]*)"', re.IGNORECASE)


class FormError(ValueError):
    """Not a multipart body the gateway can read."""


@dataclass(slots=True)
class Part:
    head: bytes  # the part's header lines
    name: str
    filename: str | None   # a file's name as sent (None: a text field)
    content: bytes

    @property
    def is_file(self) -> bool:
        return self.filename is not None


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

    def filenames(self) -> dict[str, str]:
        """The file parts' names as sent, by part name."""
        return {part.name: part.filename for part in self.parts if part.filename is not None}

    def with_fields(self, values: dict[str, str], filenames: dict[str, str] | None = None) -> bytes:
        """The body with the text fields named in ``values`` replaced (and new ones appended), and the
        file parts named in ``filenames`` renamed (their bytes untouched)."""
        seen: set[str] = set()
        out = [self.preamble]
        delimiter = b"--" + self.boundary
        renamed = filenames or {}
        for part in self.parts:
            content, head = part.content, part.head
            if not part.is_file and part.name in values:
                content = values[part.name].encode("utf-8")
                seen.add(part.name)
            elif part.is_file and part.name in renamed and renamed[part.name] != part.filename:
                found = _FILENAME.search(head)
                if found is not None:
                    head = head[:found.start(1)] + _quoted(renamed[part.name]) + head[found.end(1):]
            out.append(delimiter + b"\r\n" + head + b"\r\n\r\n" + content + b"\r\n")
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
        filename = _FILENAME.search(head)
        parts.append(Part(head, name.group(1).decode("utf-8", "replace"),
                          None if filename is None else filename.group(1).decode("utf-8", "replace"), content))
    return Form(boundary, sections[0], parts, sections[-1][2:])


def _quoted(filename: str) -> bytes:
    """A file name for a ``filename="…"`` parameter (the HTML form encoding: quote and line breaks
    percent-encoded)."""
    return filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A").encode("utf-8")
