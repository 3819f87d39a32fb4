"""Read the next batch of a file while the current one is checked.

Reading a Parquet slice (decompressing, decoding) and checking the batch before
it use different parts of the machine at different times: Polars and pyarrow
release the interpreter while they work, so one thread reading ahead keeps both
cores busy where a plain loop left one waiting. One batch ahead, no more, so
memory stays bounded by two batches.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar, cast

T = TypeVar("T")

_DONE = object()


def ahead(items: Iterator[T]) -> Iterator[T]:
    """``items``, produced one ahead in a thread; an exception raised while producing is
    raised here, at the item it replaced. Stopping early (an exception in the
    consumer, ``close``) stops the producer at its next item."""
    handoff: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        handoff.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put((_DONE, None))
        except BaseException as exc:  # handed to the consumer, which raises it
            handoff.put((_DONE, exc))

    worker = threading.Thread(target=produce, name="phocap-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, error = handoff.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            yield cast(T, item)
    finally:
        stop.set()
        while worker.is_alive():
            try:
                handoff.get_nowait()
            except queue.Empty:
                worker.join(timeout=0.1)
