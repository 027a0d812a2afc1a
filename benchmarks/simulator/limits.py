"""Requests- and tokens-per-minute limits over a sliding 60-second window."""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable

WINDOW_S = 60.0


class RateLimiter:
    """Admits a request or says how many seconds to wait (the retry-after value)."""

    def __init__(self, rpm: int | None, tpm: int | None, clock: Callable[[], float]) -> None:
        self.rpm, self.tpm, self.clock = rpm, tpm, clock
        self._requests: deque[float] = deque()
        self._tokens: deque[tuple[float, int]] = deque()
        self._token_sum = 0
        self._lock = threading.Lock()

    def _expire(self, now: float) -> None:
        while self._requests and self._requests[0] <= now - WINDOW_S:
            self._requests.popleft()
        while self._tokens and self._tokens[0][0] <= now - WINDOW_S:
            self._token_sum -= self._tokens.popleft()[1]

    def admit(self, tokens: int) -> float | None:
        """Record the request and return None, or return the seconds until it would fit.

        Rejected requests use no budget, as with the real providers.
        """
        now = self.clock()
        with self._lock:
            self._expire(now)
            if self.rpm is not None and len(self._requests) >= self.rpm:
                return self._retry_after(self._requests[0], now)
            if self.tpm is not None and self._tokens and self._token_sum + tokens > self.tpm:
                # wait until enough old tokens leave the window (or it empties)
                freed, when = self._token_sum, self._tokens[-1][0]
                for at, n in self._tokens:
                    freed -= n
                    if freed + tokens <= self.tpm:
                        when = at
                        break
                return self._retry_after(when, now)
            self._requests.append(now)
            self.spend(tokens, now)
            return None

    def spend(self, tokens: int, now: float | None = None) -> None:
        """Count tokens against the window (output tokens once they are produced)."""
        if self.tpm is None or tokens <= 0:
            return
        at = self.clock() if now is None else now
        if now is None:
            with self._lock:
                self._tokens.append((at, tokens))
                self._token_sum += tokens
        else:  # caller holds the lock
            self._tokens.append((at, tokens))
            self._token_sum += tokens

    @staticmethod
    def _retry_after(oldest: float, now: float) -> float:
        return max(1.0, math.ceil(oldest + WINDOW_S - now))

    def reset(self) -> None:
        with self._lock:
            self._requests.clear()
            self._tokens.clear()
            self._token_sum = 0
