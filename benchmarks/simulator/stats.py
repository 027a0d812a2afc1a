"""Counters served at GET /stats; POST /reset clears them."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from benchmarks.simulator.caching import InputBill


class Stats:
    def __init__(
        self, write_mult: float, read_mult: float, openai_mult: float, out_mult: float,
        batch_mult: float = 0.5,
    ):
        self.weights = {
            "uncached": 1.0,
            "cache_write": write_mult,
            "cache_read": read_mult,
            "openai_cached": openai_mult,
        }
        self.output_multiplier = out_mult
        self.batch_multiplier = batch_mult
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.by_api: Counter[str] = Counter()
            self.by_status: Counter[str] = Counter()
            self.faults: Counter[str] = Counter()
            self.input_tokens: Counter[str] = Counter({k: 0 for k in self.weights})
            self.output_tokens = 0
            self.billed_requests = 0
            self.conversations: Counter[str] = Counter()
            self.request_digests: Counter[str] = Counter()
            self.count_tokens_requests = 0
            self.batches: Counter[str] = Counter()
            # the part of the token counts above that came in batches (billed at the discount)
            self.batch_input_tokens: Counter[str] = Counter({k: 0 for k in self.weights})
            self.batch_output_tokens = 0
            self.batched_requests = 0

    def request(self, api: str) -> None:
        with self._lock:
            self.requests += 1
            self.by_api[api] += 1

    def status(self, code: int | str) -> None:
        with self._lock:
            self.by_status[str(code)] += 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self.faults[kind] += 1

    def count_tokens(self) -> None:
        with self._lock:
            self.count_tokens_requests += 1

    def batch(self, api: str) -> None:
        with self._lock:
            self.batches[api] += 1

    def bill(
        self, bill: InputBill, output: int, conversation: str, digest: str, batched: bool = False
    ) -> None:
        """One paid answer: its input by kind, its output, and which conversation it was."""
        with self._lock:
            self.billed_requests += 1
            for kind in self.weights:
                self.input_tokens[kind] += getattr(bill, kind)
            self.output_tokens += output
            if batched:
                self.batched_requests += 1
                for kind in self.weights:
                    self.batch_input_tokens[kind] += getattr(bill, kind)
                self.batch_output_tokens += output
            self.conversations[conversation] += 1
            self.request_digests[digest] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            # batched tokens pay `batch_multiplier` of the price, the rest pay it in full
            off = 1.0 - self.batch_multiplier
            input_cost = sum(
                (self.input_tokens[k] - off * self.batch_input_tokens[k]) * w
                for k, w in self.weights.items()
            )
            output_tokens = self.output_tokens - off * self.batch_output_tokens
            output_cost = output_tokens * self.output_multiplier
            return {
                "requests": self.requests,
                "by_api": dict(self.by_api),
                "by_status": dict(self.by_status),
                "rate_limited": self.by_status.get("429", 0),
                "faults": dict(self.faults),
                "billed_requests": self.billed_requests,
                "input_tokens": dict(self.input_tokens),
                "output_tokens": self.output_tokens,
                "cost": {
                    "input": round(input_cost, 4),
                    "output": round(output_cost, 4),
                    "total": round(input_cost + output_cost, 4),
                    "weights": dict(self.weights),
                    "output_multiplier": self.output_multiplier,
                    "batch_multiplier": self.batch_multiplier,
                },
                "conversations": dict(self.conversations),
                # paid requests whose exact body had been paid before (a wasted repeat)
                "repeated_requests": sum(n - 1 for n in self.request_digests.values()),
                "count_tokens_requests": self.count_tokens_requests,
                # batch APIs: batches created per API; their requests are in the counts above
                # too (not in `requests`, which counts HTTP generation calls)
                "batches": dict(self.batches),
                "batched_requests": self.batched_requests,
                "batch_input_tokens": dict(self.batch_input_tokens),
                "batch_output_tokens": self.batch_output_tokens,
            }
