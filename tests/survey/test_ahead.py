"""Reading ahead (survey/ahead.py) hands over every item in order, raises what the
reader raised where it raised it, and stops the reader when the consumer stops."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from phocap.survey.ahead import ahead


def test_every_item_in_order() -> None:
    assert list(ahead(iter(range(100)))) == list(range(100))
    assert list(ahead(iter([]))) == []


def test_an_error_while_reading_comes_after_the_items_before_it() -> None:
    def broken() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("hỏng sau dòng 2")

    got: list[int] = []
    with pytest.raises(ValueError, match="hỏng sau dòng 2"):
        for item in ahead(broken()):
            got.append(item)
    assert got == [1, 2]


def test_a_consumer_that_stops_stops_the_reader() -> None:
    produced: list[int] = []

    def counting() -> Iterator[int]:
        for n in range(1000):
            produced.append(n)
            yield n

    items = ahead(counting())
    assert next(items) == 0
    items.close()
    # One item handed over, one waiting in the hand-off, one being offered when it stopped.
    assert len(produced) <= 3
