"""Standard input for the stdio transport, able to say whether messages are still queued.

pygls reads stdin with `readline()` and `read(n)` from a worker thread. `QueueAwareStdin` implements both over the
raw file descriptor with its own buffer, so `pending()` can tell whether unread bytes are waiting (in the buffer or
in the pipe). The analysis scheduler uses it to start an analysis with the default delay 0 only once the queued
messages (a burst of changes) have been read (TOOLING.md §6.2).
"""
from __future__ import annotations

import os
import select
import threading

CHUNK = 65536


class QueueAwareStdin:
    """A blocking byte reader over a file descriptor, with `pending()`."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = bytearray()
        self.lock = threading.Lock()
        self.closed = False

    def _fill(self) -> bool:
        """Read what the pipe holds (blocking until something arrives); False at end of input."""
        data = os.read(self.fd, CHUNK)
        if not data:
            self.closed = True
            return False
        with self.lock:
            self.buffer += data
        return True

    def readline(self) -> bytes:
        """One line, its line feed included (what is left at end of input)."""
        while True:
            with self.lock:
                end = self.buffer.find(b"\n")
                if end >= 0:
                    line = bytes(self.buffer[:end + 1])
                    del self.buffer[:end + 1]
                    return line
            if self.closed or not self._fill():
                with self.lock:
                    rest = bytes(self.buffer)
                    self.buffer.clear()
                return rest

    def read(self, size: int) -> bytes:
        """Exactly `size` bytes (fewer only at end of input)."""
        while True:
            with self.lock:
                if len(self.buffer) >= size:
                    data = bytes(self.buffer[:size])
                    del self.buffer[:size]
                    return data
            if self.closed or not self._fill():
                with self.lock:
                    data = bytes(self.buffer)
                    self.buffer.clear()
                return data

    def pending(self) -> bool:
        """Whether unread input is waiting (buffered, or readable from the pipe right now)."""
        with self.lock:
            if self.buffer:
                return True
        if self.closed:
            return False
        try:
            readable, _, _ = select.select([self.fd], [], [], 0)
        except (OSError, ValueError):
            return False
        return bool(readable)
