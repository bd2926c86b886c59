"""The bounded hand-over of runtime events from the Lumen thread to the dashboard (TOOLING.md §7.2).

The listener appends on the Lumen thread and never waits for the UI; the UI's 50 ms timer takes everything at once
with `drain`. The buffer holds at most `capacity` events: when it is full, the oldest `line`, `call_enter` and
`call_exit` event is dropped (and counted in `dropped`) to make room. `emit`, `tool_call`, `error`, `run_end` and
the other kinds are never dropped; if nothing droppable is left, they are kept beyond the capacity rather than lost.
"""
from __future__ import annotations

import threading
from collections import deque
from typing import Any

#: Default capacity (events).
BUFFER_CAPACITY = 10_000

#: Event kinds the buffer may drop when it is full.
DROPPABLE_KINDS = frozenset({"line", "call_enter", "call_exit"})


class EventBuffer:
    """A thread-safe, bounded queue of runtime events with the dashboard's drop policy.

    Internally each event sits in a one-element list (a slot); dropping an event empties its slot, so the oldest
    droppable event is found in constant time through a second queue holding only droppable slots.
    """

    def __init__(self, capacity: int = BUFFER_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.dropped = 0
        self._lock = threading.Lock()
        self._slots: deque[list] = deque()
        self._droppable: deque[list] = deque()
        self._size = 0

    def __len__(self) -> int:
        with self._lock:
            return self._size

    def append(self, event: Any) -> None:
        """Add one event (any object with a `kind`); never blocks for long, never waits for the UI."""
        droppable = event.kind in DROPPABLE_KINDS
        slot = [event]
        with self._lock:
            if self._size >= self.capacity:
                if self._droppable:
                    victim = self._droppable.popleft()
                    victim[0] = None
                    self._size -= 1
                    self.dropped += 1
                elif droppable:
                    self.dropped += 1
                    return
            self._slots.append(slot)
            self._size += 1
            if droppable:
                self._droppable.append(slot)

    def drain(self) -> list[Any]:
        """Take every buffered event, oldest first."""
        with self._lock:
            slots = self._slots
            self._slots = deque()
            self._droppable = deque()
            self._size = 0
        return [slot[0] for slot in slots if slot[0] is not None]
