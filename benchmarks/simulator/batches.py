"""The providers' batch APIs: Anthropic Message Batches and OpenAI Batch (files + batches).

A batch is kept as submitted and processed the first time a client looks at it once
`batch_delay_s` has passed: its requests run one after another in submission order through
the direct path's answer and cache billing (so earlier requests write the prompt cache for
later ones), each billed at `batch_multiplier` of the price. Rate limits and faults do not
apply inside batches: providers meter and retry batch work on their side.

Anthropic: POST /v1/messages/batches, GET /v1/messages/batches/{id}, GET .../{id}/results
OpenAI:    POST /v1/files, GET /v1/files/{id}/content, POST /v1/batches, GET /v1/batches/{id}
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from typing import Any, Protocol

from benchmarks.simulator import anthropic_api, openai_api
from benchmarks.simulator.output import make_output, new_id


class BillingServer(Protocol):
    """What a batch needs from the server that owns it (`server.Simulator`): its clock and
    settings, its request parser and billing, its counters and its address."""

    config: Any
    stats_counter: Any
    answerer: Any
    base_url: str

    def parse(self, api: str, body: Any) -> Any: ...

    def bill(self, req: Any) -> tuple[Any, Any]: ...

    def record(self, req: Any, bill: Any, tokens: Any, batched: bool = False) -> None: ...


Reply = tuple[int, bytes, str]  # status, body, content type
_DAY = 24 * 3600
CHAT = "/v1/chat/completions"  # the one OpenAI batch endpoint simulated (no Responses API)


@dataclass(frozen=True)
class _Rejected:
    """A batch line refused before it reaches the model (e.g. sent to another endpoint)."""

    reason: str


@dataclass
class _Batch:
    api: str
    id: str
    requests: list[tuple[str, Any]]  # (custom_id, request body) in submission order
    due: float  # simulator clock time at which it may be processed
    created_at: float = field(default_factory=time.time)
    input_file_id: str | None = None  # OpenAI
    # once processed: (custom_id, answer payload or None, error message or None) per request
    results: list[tuple[str, dict[str, Any] | None, str | None]] | None = None
    ended_at: float | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None

    def counts(self) -> tuple[int, int]:
        """(succeeded, errored) so far."""
        errors = sum(1 for _, _, err in self.results or [] if err)
        return len(self.results or []) - errors, errors


@dataclass
class _File:
    id: str
    data: bytes
    filename: str
    purpose: str
    created_at: int = field(default_factory=lambda: int(time.time()))


class BatchStore:
    """Submitted batches and uploaded files of one simulator; thread-safe."""

    def __init__(self, sim: BillingServer) -> None:
        self.sim = sim
        self._batches: dict[str, _Batch] = {}
        self._files: dict[str, _File] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._batches.clear()
            self._files.clear()

    def handle(self, method: str, path: str, raw: bytes, content_type: str) -> Reply | None:
        """The reply to a batch route, or None when `path` is not one."""
        match method, path.strip("/").split("/"):
            case "POST", ["v1", "messages", "batches"]:
                return self._anthropic_create(raw)
            case "GET", ["v1", "messages", "batches", batch_id]:
                return self._with_batch("anthropic", batch_id, self._anthropic_view)
            case "GET", ["v1", "messages", "batches", batch_id, "results"]:
                return self._with_batch("anthropic", batch_id, self._anthropic_results)
            case "POST", ["v1", "files"]:
                return self._openai_upload(raw, content_type)
            case "GET", ["v1", "files", file_id, "content"]:
                return self._openai_file(file_id)
            case "POST", ["v1", "batches"]:
                return self._openai_create(raw)
            case "GET", ["v1", "batches", batch_id]:
                return self._with_batch("openai", batch_id, self._openai_view)
        return None

    # ------------------------------------------------------------ shared

    def _add(self, api: str, prefix: str, requests: list[tuple[str, Any]], **kw: Any) -> _Batch:
        due = self.sim.config.clock() + self.sim.config.batch_delay_s
        batch = _Batch(api, new_id(prefix), requests, due, **kw)
        with self._lock:
            self._batches[batch.id] = batch
        self.sim.stats_counter.batch(api)
        return batch

    def _with_batch(self, api: str, batch_id: str, view: Any) -> Reply:
        with self._lock:  # one thread processes a due batch; the others wait for its results
            batch = self._batches.get(batch_id)
            if batch is None or batch.api != api:
                return _error(api, 404, f"no batch {batch_id!r}")
            if batch.results is None and self.sim.config.clock() >= batch.due:
                self._process(batch)
            return view(batch)

    def _process(self, batch: _Batch) -> None:
        batch.results = [(cid, *self._answer(batch.api, body)) for cid, body in batch.requests]
        batch.ended_at = time.time()
        if batch.api == "openai":
            self._write_openai_results(batch)

    def _answer(self, api: str, body: Any) -> tuple[dict[str, Any] | None, str | None]:
        """One batched request, answered and billed like a direct one (without its waits)."""
        if isinstance(body, _Rejected):
            return None, body.reason
        sim = self.sim
        req = sim.parse(api, body)
        if isinstance(req, str):
            return None, req
        bill, cache = sim.bill(req)
        out = make_output(sim.answerer.answer(req.system, req.messages), req.max_tokens)
        cache.commit(bill.writes)  # sequential: the next request of the batch can read it
        sim.record(req, bill, out.tokens, batched=True)
        model = req.body["model"]
        if api == "anthropic":
            return anthropic_api.message(model, out, bill), None
        return openai_api.completion(model, out, bill), None

    # ------------------------------------------------------------ Anthropic

    def _anthropic_create(self, raw: bytes) -> Reply:
        body = _json_body(raw)
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list) or not requests:
            return _error("anthropic", 400, "requests: Field required (a non-empty list)")
        pairs = []
        for i, item in enumerate(requests):
            if not isinstance(item, dict) or not isinstance(item.get("custom_id"), str):
                return _error("anthropic", 400, f"requests.{i}.custom_id: Field required")
            pairs.append((item["custom_id"], item.get("params")))
        if len({cid for cid, _ in pairs}) < len(pairs):
            return _error("anthropic", 400, "custom_id values must be unique within a batch")
        return self._anthropic_view(self._add("anthropic", "msgbatch_sim", pairs))

    def _anthropic_view(self, batch: _Batch) -> Reply:
        ended = batch.results is not None
        succeeded, errored = batch.counts()
        return _ok({
            "id": batch.id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {
                "processing": 0 if ended else len(batch.requests),
                "succeeded": succeeded, "errored": errored, "canceled": 0, "expired": 0,
            },
            "created_at": _iso(batch.created_at),
            "expires_at": _iso(batch.created_at + _DAY),
            "ended_at": _iso(batch.ended_at) if batch.ended_at else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": (
                f"{self.sim.base_url}/v1/messages/batches/{batch.id}/results" if ended else None
            ),
        })

    def _anthropic_results(self, batch: _Batch) -> Reply:
        if batch.results is None:
            return _error("anthropic", 400, f"batch {batch.id} is still in progress")
        lines = []
        for cid, message, error in batch.results:
            if error is None:
                result: dict[str, Any] = {"type": "succeeded", "message": message}
            else:
                result = {"type": "errored", "error": anthropic_api.error_body(400, error)}
            lines.append({"custom_id": cid, "result": result})
        return 200, _jsonl(lines), "application/binary"

    # ------------------------------------------------------------ OpenAI

    def _openai_upload(self, raw: bytes, content_type: str) -> Reply:
        parts = _multipart(raw, content_type)
        if "file" not in parts:
            return _error("openai", 400, "file: a multipart 'file' part is required")
        filename, data = parts["file"]
        purpose = (parts.get("purpose") or (None, b"batch"))[1].decode()
        upload = _File(new_id("file-sim"), data, filename or "upload.jsonl", purpose)
        with self._lock:
            self._files[upload.id] = upload
        return _ok(_file_view(upload))

    def _openai_file(self, file_id: str) -> Reply:
        with self._lock:
            upload = self._files.get(file_id)
        if upload is None:
            return _error("openai", 404, f"No such File object: {file_id}")
        return 200, upload.data, "application/octet-stream"

    def _openai_create(self, raw: bytes) -> Reply:
        body = _json_body(raw)
        if not isinstance(body, dict):
            return _error("openai", 400, "request body must be a JSON object")
        endpoint = body.get("endpoint")
        if endpoint != CHAT:
            return _error("openai", 400, f"endpoint {endpoint!r}: only {CHAT} is simulated")
        with self._lock:
            upload = self._files.get(str(body.get("input_file_id")))
        if upload is None:
            return _error("openai", 404, f"No such File object: {body.get('input_file_id')}")
        pairs = []
        for n, line in enumerate(upload.data.decode(errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            item = _json_body(line.encode())
            if not isinstance(item, dict) or not isinstance(item.get("custom_id"), str):
                return _error("openai", 400, f"input file line {n}: not a batch request line")
            # a line for another endpoint fails alone, as in the real API
            wrong = item.get("url") != CHAT
            request = _Rejected(f"url must be {CHAT}") if wrong else item.get("body")
            pairs.append((item["custom_id"], request))
        if not pairs:
            return _error("openai", 400, "the input file has no requests")
        batch = self._add("openai", "batch_sim", pairs, input_file_id=upload.id)
        return self._openai_view(batch)

    def _write_openai_results(self, batch: _Batch) -> None:
        """Answers go to an output file, failures to an error file (the lines Inspect reads)."""
        ok, failed = [], []
        for cid, payload, error in batch.results or []:
            if error is None:
                response = {"status_code": 200, "request_id": new_id("req_sim"), "body": payload}
                ok.append({"id": new_id("batch_req_sim"), "custom_id": cid,
                           "response": response, "error": None})
            else:
                failed.append({"id": new_id("batch_req_sim"), "custom_id": cid,
                               "response": None, "error": {"code": 400, "message": error}})
        for lines, attr in ((ok, "output_file_id"), (failed, "error_file_id")):
            if lines:
                result = _File(new_id("file-sim"), _jsonl(lines), f"{batch.id}_{attr}.jsonl",
                               "batch_output")
                self._files[result.id] = result  # caller holds the lock
                setattr(batch, attr, result.id)

    def _openai_view(self, batch: _Batch) -> Reply:
        ended = batch.results is not None
        succeeded, errored = batch.counts()
        created = int(batch.created_at)
        return _ok({
            "id": batch.id,
            "object": "batch",
            "endpoint": CHAT,
            "errors": None,
            "input_file_id": batch.input_file_id,
            "completion_window": "24h",
            "status": "completed" if ended else "in_progress",
            "output_file_id": batch.output_file_id,
            "error_file_id": batch.error_file_id,
            "created_at": created,
            "in_progress_at": created,
            "expires_at": created + _DAY,
            "completed_at": int(batch.ended_at) if batch.ended_at else None,
            "request_counts": {"total": len(batch.requests), "completed": succeeded,
                               "failed": errored},
            "metadata": None,
        })


# ---------------------------------------------------------------- helpers


def _ok(payload: dict[str, Any]) -> Reply:
    return 200, json.dumps(payload).encode(), "application/json"


def _error(api: str, status: int, message: str) -> Reply:
    shape = anthropic_api.error_body if api == "anthropic" else openai_api.error_body
    return status, json.dumps(shape(status, message)).encode(), "application/json"


def _json_body(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except json.JSONDecodeError:
        return None


def _jsonl(lines: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def _file_view(upload: _File) -> dict[str, Any]:
    return {"id": upload.id, "object": "file", "bytes": len(upload.data),
            "created_at": upload.created_at, "filename": upload.filename,
            "purpose": upload.purpose, "status": "processed"}


def _multipart(raw: bytes, content_type: str) -> dict[str, tuple[str | None, bytes]]:
    """A multipart/form-data body's parts by name: (filename, bytes)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    if not message.is_multipart():
        return {}
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            parts[name] = (part.get_filename(), part.get_payload(decode=True) or b"")
    return parts
