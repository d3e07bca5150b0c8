"""``prefetched``: the same items in the same order, errors raised in the consumer, and a producer
that stops when the consumer does."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from sobria.ingest.prefetch import prefetched


def test_items_come_in_order() -> None:
    assert list(prefetched(range(10), depth=2)) == list(range(10))
    assert list(prefetched([])) == []


def test_items_are_produced_in_another_thread() -> None:
    names: list[str] = []

    def items() -> Iterator[int]:
        names.append(threading.current_thread().name)
        yield 1

    assert list(prefetched(items())) == [1]
    assert names == ["sobria-prefetch"]


def test_a_producer_error_is_raised_in_the_consumer_after_the_items_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("bad chunk")

    got: list[int] = []
    with pytest.raises(ValueError, match="bad chunk"):
        for item in prefetched(items()):
            got.append(item)
    assert got == [1, 2]


def test_the_producer_stops_when_the_consumer_stops() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for i in range(1000):
            produced.append(i)
            yield i

    stream = prefetched(items(), depth=2)
    assert [next(stream), next(stream)] == [0, 1]
    stream.close()  # joins the producer thread
    assert len(produced) <= 2 + 2 + 1  # consumed, queued, and the one it was putting
    assert not [t for t in threading.enumerate() if t.name == "sobria-prefetch"]
