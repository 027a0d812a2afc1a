"""The HTTP server: routes, admission (limits, faults), billing, and paced answers.

`ThreadingHTTPServer` from the stdlib: one thread per connection, keep-alive (HTTP/1.1),
streams sent with chunked encoding so a cut-off stream is visible to the client as an
incomplete body.
"""

from __future__ import annotations

import hashlib
import json
import random
import socket
import sys
import threading
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from benchmarks.simulator import anthropic_api, openai_api
from benchmarks.simulator.answers import Answerer, load_replay
from benchmarks.simulator.batches import BatchStore
from benchmarks.simulator.caching import (
    InputBill,
    PrefixCache,
    anthropic_bill,
    anthropic_count,
    openai_bill,
    openai_prompt_text,
)
from benchmarks.simulator.config import SimulatorConfig
from benchmarks.simulator.limits import RateLimiter
from benchmarks.simulator.output import make_output
from benchmarks.simulator.stats import Stats
from benchmarks.simulator.tokens import canonical, count_text


class Simulator:
    """A simulated Anthropic + OpenAI provider; `start()` serves it from a background thread."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config = config or SimulatorConfig()
        clock = config.clock
        self.stats_counter = Stats(
            config.cache_write_multiplier,
            config.cache_read_multiplier,
            config.openai_cached_multiplier,
            config.output_multiplier,
            config.batch_multiplier,
        )
        self.limiter = RateLimiter(config.rpm, config.tpm, clock)
        self.anthropic_cache = PrefixCache(config.cache_ttl_s, clock)
        self.openai_cache = PrefixCache(config.cache_ttl_s, clock)
        lines = load_replay(config.replay) if config.replay is not None else None
        self.answerer = Answerer(config.text, lines)
        self.batches = BatchStore(self)
        self._rng = random.Random(config.seed)
        self._rng_lock = threading.Lock()
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> Simulator:
        self._server = _Server((self.config.host, self.config.port), _Handler)
        self._server.sim = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
            name="insider-simulator", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()  # releases held "timeout" connections and paced answers
        if self._server is not None:
            self._server.shutdown()
            self._server.close_connections()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "simulator not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """The Anthropic base URL (the SDK appends /v1/messages)."""
        return f"http://{self.config.host}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        """The OpenAI base URL (the SDK appends /chat/completions)."""
        return f"{self.base_url}/v1"

    def stats(self) -> dict[str, Any]:
        return self.stats_counter.snapshot()

    def reset(self) -> None:
        """Clear counters, caches, rate windows and replay assignments."""
        self.stats_counter.reset()
        self.limiter.reset()
        self.anthropic_cache.clear()
        self.openai_cache.clear()
        self.answerer.reset()
        self.batches.clear()

    # ------------------------------------------------------------ helpers

    def draw_fault(self) -> str | None:
        with self._rng_lock:  # one draw per admitted request keeps a seed's sequence fixed
            if self.config.fault_rate <= 0:
                return None
            if self._rng.random() >= self.config.fault_rate:
                return None
            return self._rng.choice(self.config.fault_kinds)

    def sleep(self, seconds: float) -> bool:
        """Wait; False if the server is stopping."""
        return seconds <= 0 or not self.stopping.wait(seconds)

    # ------------------------------------------------------------ one answer (direct or batched)

    def parse(self, api: str, body: Any) -> _Api | str:
        """The request's parts, or the reason the real API would answer 400."""
        if api == "anthropic":
            problem = anthropic_api.validate(body, self.config.max_cache_breakpoints)
            if problem:
                return problem
            return _Api(api, body, body.get("system"), body["messages"], body["max_tokens"])
        problem = openai_api.validate(body)
        if problem:
            return problem
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        return _Api(api, body, None, body["messages"], limit)

    def bill(self, req: _Api) -> tuple[InputBill, PrefixCache]:
        """The input bill of a request arriving now, and the cache its writes go to."""
        cfg = self.config
        arrival = cfg.clock()
        if req.name == "anthropic":
            bill = anthropic_bill(req.body, self.anthropic_cache, cfg.min_cacheable_tokens, arrival)
            return bill, self.anthropic_cache
        bill = openai_bill(
            req.body, self.openai_cache, cfg.openai_min_cached_tokens,
            cfg.openai_cache_increment, arrival,
        )
        return bill, self.openai_cache

    def record(self, req: _Api, bill: InputBill, output_tokens: int, batched: bool = False) -> None:
        """Count one paid answer in /stats, with its conversation and exact-request digests."""
        body = req.body
        start = canonical([body["model"], req.system, _before_first_assistant(req.messages)])
        request_key = {k: v for k, v in body.items() if k not in ("stream", "stream_options")}
        self.stats_counter.bill(
            bill, output_tokens, _digest(start, 12), _digest(canonical(request_key), 16), batched
        )


@contextmanager
def run_simulator(config: SimulatorConfig | None = None) -> Generator[Simulator, None, None]:
    """`with run_simulator(cfg) as sim:` a running simulator at `sim.base_url`."""
    sim = Simulator(config).start()
    try:
        yield sim
    finally:
        sim.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog (5) drops bursts of new connections
    sim: Simulator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conn_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client that died mid-request (killed, timed out) is not a server error
        super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self._conn_lock:
            for conn in list(self._connections):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@dataclass
class _Api:
    """What differs between the two APIs for one request."""

    name: str
    body: dict[str, Any]
    system: Any
    messages: list[dict[str, Any]]
    max_tokens: int | None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: avoid 40 ms stalls
    timeout = 120  # an idle keep-alive connection is closed after this
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # ------------------------------------------------------------ routing

    def do_GET(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        if path == "/stats":
            self._json(200, self.server.sim.stats())
        elif path == "/health":
            self._json(200, {"ok": True})
        elif reply := self.server.sim.batches.handle("GET", path, b"", ""):
            self._send(*reply)
        else:
            self._json(404, {"error": {"message": f"no route GET {path}"}})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        sim = self.server.sim
        if path == "/reset":
            sim.reset()
            self._json(200, {"ok": True})
        elif path == "/v1/messages":
            self._generate("anthropic", raw)
        elif path == "/v1/messages/count_tokens":
            self._count_tokens(raw)
        elif path in ("/v1/chat/completions", "/chat/completions"):
            self._generate("openai", raw)
        elif reply := sim.batches.handle("POST", path, raw, self.headers.get("Content-Type", "")):
            self._send(*reply)
        else:
            self._json(404, {"error": {"message": f"no route POST {path}"}})

    # ------------------------------------------------------------ the generation path

    def _parse(self, api: str, raw: bytes) -> _Api | str:
        try:
            body = json.loads(raw or b"null")
        except json.JSONDecodeError as e:
            return f"request body is not valid JSON: {e.msg}"
        return self.server.sim.parse(api, body)

    def _generate(self, name: str, raw: bytes) -> None:
        sim = self.server.sim
        cfg = sim.config
        sim.stats_counter.request(name)
        req = self._parse(name, raw)
        if isinstance(req, str):
            return self._error(name, 400, req)
        body = req.body
        tokens_in = (
            anthropic_count(body) if name == "anthropic" else count_text(openai_prompt_text(body))
        )
        wait = sim.limiter.admit(tokens_in)
        if wait is not None:
            return self._error(
                name, 429, "rate limit exceeded (simulated)", {"retry-after": str(int(wait))}
            )
        fault = sim.draw_fault()
        if fault == "server_error":
            sim.stats_counter.fault(fault)
            return self._error(name, 500, "Internal server error (simulated)")
        if fault == "overloaded":
            sim.stats_counter.fault(fault)
            return self._error(name, 529 if name == "anthropic" else 503, "Overloaded (simulated)")
        if fault == "timeout":
            sim.stats_counter.fault(fault)
            sim.stats_counter.status("timeout")
            sim.sleep(cfg.timeout_hold_s)  # longer than the client waits, then hang up
            self.close_connection = True
            return None

        bill, cache = sim.bill(req)
        out = make_output(sim.answerer.answer(req.system, req.messages), req.max_tokens)

        if not sim.sleep(cfg.latency_s):
            self.close_connection = True
            return None
        # the answer starts now: its cache writes become visible to later arrivals
        cache.commit(bill.writes)
        sim.record(req, bill, out.tokens)
        sim.limiter.spend(out.tokens)
        if fault:
            sim.stats_counter.fault(fault)

        model = body["model"]
        if body.get("stream"):
            if name == "anthropic":
                events = anthropic_api.stream_events(model, out, bill)
                bad = anthropic_api.malformed_event()
            else:
                include = bool((body.get("stream_options") or {}).get("include_usage"))
                events = openai_api.stream_chunks(model, out, bill, include)
                bad = openai_api.malformed_chunk()
            self._stream(events, fault, bad)
        else:
            if not sim.sleep(out.tokens * cfg.latency_per_output_token_s):
                self.close_connection = True
                return None
            payload = (
                anthropic_api.message(model, out, bill)
                if name == "anthropic"
                else openai_api.completion(model, out, bill)
            )
            data = json.dumps(payload).encode()
            if fault == "malformed":
                sim.stats_counter.status(200)
                self._send(200, data[: len(data) // 2], "application/json")
            elif fault == "cutoff":
                sim.stats_counter.status(200)
                self._send(200, data, "application/json", cut=True)
            else:
                sim.stats_counter.status(200)
                self._json(200, payload)

    def _stream(self, events: list[tuple[bytes, int]], fault: str | None, bad: bytes) -> None:
        sim = self.server.sim
        sim.stats_counter.status(200)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        cut_at = max(1, len(events) // 2) if fault == "cutoff" else None
        try:
            for i, (event, tokens) in enumerate(events):
                if cut_at is not None and i == cut_at:
                    self.wfile.flush()
                    self.close_connection = True  # hang up mid-body: no final chunk
                    return
                if fault == "malformed" and i == len(events) // 2:
                    self._chunk(bad)
                if not sim.sleep(tokens * sim.config.latency_per_output_token_s):
                    self.close_connection = True
                    return
                self._chunk(event)
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _count_tokens(self, raw: bytes) -> None:
        self.server.sim.stats_counter.count_tokens()
        try:
            body = json.loads(raw or b"null")
        except json.JSONDecodeError as e:
            return self._error("anthropic", 400, f"request body is not valid JSON: {e.msg}")
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return self._error("anthropic", 400, "messages: Field required")
        self._json(200, {"input_tokens": anthropic_count(body)})

    # ------------------------------------------------------------ writing

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _error(
        self, api: str, status: int, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self.server.sim.stats_counter.status(status)
        shape = anthropic_api.error_body if api == "anthropic" else openai_api.error_body
        self._send(status, json.dumps(shape(status, message)).encode(), "application/json", headers)

    def _json(self, status: int, payload: Any) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _send(
        self, status: int, data: bytes, content_type: str,
        headers: dict[str, str] | None = None, cut: bool = False,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("request-id", f"req_sim_{id(self):x}")
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            # a cut-off body: promise the full length, send half, hang up
            self.wfile.write(data[: len(data) // 2] if cut else data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        if cut:
            self.close_connection = True


def _before_first_assistant(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for i, m in enumerate(messages):
        if m.get("role") == "assistant":
            return messages[:i]
    return messages


def _digest(text: str, n: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]
