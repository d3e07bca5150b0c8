"""The durable event queue: one JSON line per request, appended to a local file before answering.

Each gateway process holds one *slot* file in the journal folder (``slot-N.jsonl``), locked with
``flock`` for as long as the process lives. A line is written with one ``os.write`` on an
``O_APPEND`` descriptor before the response is returned: once the kernel has it, a SIGKILL of the
process cannot lose it (``journal_fsync: true`` also survives a power cut, at a cost per request).
A restarted process takes a free slot — the dead one's included — so whatever was not yet drained
into the store is drained then.

The first line of a slot names its *generation*; the drain checkpoint is (generation, offset), so a
slot truncated after being fully drained is never mistaken for the old one.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from sobria.errors import Location, UserInputError

MAX_SLOTS = 256
READ_BYTES = 4 * 1024 * 1024


@dataclass
class Journal:
    """One locked slot file of the journal folder, open for appending."""

    folder: Path
    fsync: bool = False
    fd: int = -1
    path: Path | None = None
    generation: str = ""

    def open(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserInputError("gateway.journal.unusable", {"path": str(self.folder), "reason": exc.strerror},
                                 Location(field="journal")) from None
        for slot in range(MAX_SLOTS):
            path = self.folder / f"slot-{slot}.jsonl"
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.fd, self.path = fd, path
            self._start()
            return
        raise UserInputError("gateway.journal.no_slot", {"path": str(self.folder)}, Location(field="journal"))

    def _start(self) -> None:
        size = os.fstat(self.fd).st_size
        if size == 0:
            self._new_generation()
            return
        self.generation = read_generation(self.fd)
        if os.pread(self.fd, 1, size - 1) != b"\n":  # a line cut by a crash: close it, the drain skips it
            os.write(self.fd, b"\n")

    def _new_generation(self) -> None:
        self.generation = secrets.token_hex(8)
        self.append(json.dumps({"journal_generation": self.generation}).encode() + b"\n")

    @property
    def name(self) -> str:
        """The checkpoint key of this slot (host and path: several machines may share a store)."""
        return f"{socket.gethostname()}:{self.path}"

    def append(self, line: bytes) -> None:
        """Append one complete line (ending with a newline) in one system call."""
        written = os.write(self.fd, line)
        if written != len(line):  # a regular file takes the whole buffer, short of a full disk
            raise OSError(f"journal write cut short ({written} of {len(line)} bytes)")
        if self.fsync:
            os.fsync(self.fd)

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def restart(self) -> None:
        """Empty the slot and start a new generation (only once everything is drained)."""
        os.ftruncate(self.fd, 0)
        self._new_generation()

    def read(self, offset: int) -> tuple[list[bytes], int]:
        """Complete lines from ``offset`` (at most about 4 MiB) and the offset after them."""
        return read_lines(self.fd, offset)

    def current_generation(self) -> str:
        return self.generation

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing releases the lock
            self.fd = -1


def read_lines(fd: int, offset: int) -> tuple[list[bytes], int]:
    data = os.pread(fd, READ_BYTES, offset)
    end = data.rfind(b"\n")
    if end < 0:
        return [], offset
    return data[:end].split(b"\n"), offset + end + 1


def read_generation(fd: int) -> str:
    head = os.pread(fd, 200, 0).split(b"\n", 1)[0]
    try:
        return str(json.loads(head).get("journal_generation", "")) if head else ""
    except ValueError:
        return ""


@dataclass
class JournalReader:
    """A slot opened for reading by the drain process, while the gateway appends to it.

    The gateway may empty the slot (new generation) once the drain has reported everything
    stored; a read that straddles such a restart is detected by the generation check after it.
    """

    path: Path
    name: str
    fd: int = -1

    def open(self) -> None:
        self.fd = os.open(self.path, os.O_RDONLY)

    def current_generation(self) -> str:
        return read_generation(self.fd)

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def read(self, offset: int) -> tuple[list[bytes], int]:
        before = read_generation(self.fd)
        lines, end = read_lines(self.fd, offset)
        return (lines, end) if read_generation(self.fd) == before else ([], offset)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
