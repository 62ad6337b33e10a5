"""A client for pagefind's service mode: pages go in through a pipe, index files come back.

`pagefind --service` reads requests on stdin and answers on stdout, each message being
base64-encoded JSON followed by a comma (the protocol of pagefind's own Python and Node
APIs). Compared with running `pagefind --site DIR`, nothing is written to disk and read
back: pages are indexed as they are sent, while the caller goes on rendering, and the
finished index is returned in memory.

The binary comes from the `pagefind[bin]` wheel (`PAGEFIND_BINARY_PATH` overrides it).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import importlib.util
import json
import os
import subprocess
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path, PurePosixPath
from typing import IO, Any

try:
    import fcntl
except ImportError:  # Windows: pipes keep their default size
    fcntl = None  # type: ignore[assignment]


class PagefindError(RuntimeError):
    """The pagefind binary is missing, failed, or refused a request."""


def pagefind_binary() -> Path:
    """The pagefind executable: `PAGEFIND_BINARY_PATH`, else the one in `pagefind_bin`."""
    override = os.environ.get("PAGEFIND_BINARY_PATH")
    if override:
        return Path(override)
    spec = importlib.util.find_spec("pagefind_bin")
    if spec is None or not spec.submodule_search_locations:
        raise PagefindError("pagefind is not installed: pip install 'pagefind[bin]'")
    folder = Path(next(iter(spec.submodule_search_locations)))
    for name in ("pagefind_extended", "pagefind", "pagefind.exe"):
        if (folder / name).is_file():
            return folder / name
    raise PagefindError(f"no pagefind binary in {folder}")


Payload = dict[str, Any]


class PagefindService:
    """One `pagefind --service` process; requests may come from any thread.

    A reader thread answers each request's future as its response arrives, so the
    process never blocks on a full stdout pipe. If the process dies, every pending
    request fails with `PagefindError`.
    """

    def __init__(self) -> None:
        binary = pagefind_binary()
        try:
            self.process = subprocess.Popen(
                [str(binary), "--service"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            raise PagefindError(f"cannot start {binary}: {error}") from error
        assert self.process.stdin is not None and self.process.stdout is not None
        for pipe in (self.process.stdin, self.process.stdout):
            _enlarge(pipe)
        self.stdin: IO[bytes] = self.process.stdin
        self.lock = threading.Lock()
        self.last_id = 0
        self.pending: dict[int, Future[Payload]] = {}
        self.failure: PagefindError | None = None
        self.reader = threading.Thread(
            target=self._read, args=(self.process.stdout,), name="pagefind-reader", daemon=True)
        self.reader.start()

    def request(self, payload: Payload) -> Future[Payload]:
        """Send one request; its future gets the response payload (or a PagefindError)."""
        return self.requests([payload])[0]

    def requests(self, payloads: Sequence[Payload]) -> list[Future[Payload]]:
        """Send several requests in one write (see `_PIPE_SIZE`); their futures, in order."""
        answers: list[Future[Payload]] = [Future() for _ in payloads]
        broken: OSError | None = None
        with self.lock:
            if self.failure is not None:
                for answer in answers:
                    answer.set_exception(self.failure)
                return answers
            messages = []
            for payload, answer in zip(payloads, answers, strict=True):
                self.last_id += 1
                self.pending[self.last_id] = answer
                message = json.dumps({"message_id": self.last_id, "payload": payload})
                messages.append(base64.b64encode(message.encode()))
            try:
                self.stdin.write(b",".join(messages) + b",")
                self.stdin.flush()
            except OSError as error:
                broken = error
        if broken is not None:
            self._fail(PagefindError(f"pagefind stopped: {broken}"))
        return answers

    def index(self, pages: Sequence[tuple[PurePosixPath, bytes]]) -> dict[PurePosixPath, bytes]:
        """Index HTML `pages` (site path, content) as one index; its files, by path."""
        created = _wait(self.request({"type": "NewIndex", "config": None}))
        index_id = _expect(created, "NewIndex")["index_id"]
        # Pagefind answers in order, so the files come after every page was added: wait
        # once, for them, rather than once per page (each wait is a thread switch).
        *added, got = self.requests([
            *({"type": "AddFile", "index_id": index_id, "url": f"/{path}", "file_path": None,
               "file_contents": html.decode("utf-8")} for path, html in pages),
            {"type": "GetFiles", "index_id": index_id},
        ])
        files = _expect(_wait(got), "GetFiles")["files"]
        for answer in added:
            _expect(_wait(answer), "IndexedFile")
        self.request({"type": "DeleteIndex", "index_id": index_id})
        return {PurePosixPath(f["path"]): base64.b64decode(f["content"]) for f in files}

    def close(self) -> None:
        """End the process (pending requests fail); closing twice is harmless."""
        with contextlib.suppress(OSError, ValueError):
            self.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def _read(self, stdout: IO[bytes]) -> None:
        buffer = b""
        read = getattr(stdout, "read1", stdout.read)
        while chunk := read(1 << 20):
            buffer += chunk
            # Let answers pile up in the pipe for a moment: one wake-up (and one turn of
            # the GIL, taken from the thread rendering pages) per batch, not per page.
            time.sleep(_BATCH_SECONDS)
            *messages, buffer = buffer.split(b",")
            for message in messages:
                if not message.strip():
                    continue
                try:
                    response = json.loads(base64.b64decode(message, validate=True))
                    if not isinstance(response, dict):
                        raise ValueError("not an object")
                except (ValueError, binascii.Error) as error:
                    self._fail(PagefindError(f"pagefind sent an unreadable answer: {error}"))
                    self.process.kill()
                    return
                self._answer(response)
        self._fail(PagefindError(f"pagefind exited with code {self.process.wait()}"))

    def _answer(self, response: Payload) -> None:
        payload = response.get("payload") or {}
        message_id = response.get("message_id")
        if message_id is None and isinstance(payload.get("original_message"), str):
            # A request pagefind could not parse comes back without its id.
            try:
                message_id = json.loads(payload["original_message"]).get("message_id")
            except ValueError:
                message_id = None
        with self.lock:
            answer = self.pending.pop(message_id, None) if message_id is not None else None
        if answer is None:
            return
        if payload.get("type") == "Error":
            answer.set_exception(PagefindError(f"pagefind: {payload.get('message')}"))
        else:
            answer.set_result(payload)

    def _fail(self, error: PagefindError) -> None:
        with self.lock:
            self.failure = self.failure or error
            waiting, self.pending = self.pending, {}
        for answer in waiting.values():
            if not answer.done():
                answer.set_exception(self.failure)


_BATCH_SECONDS = 0.002
"""How long the reader lets answers accumulate after each read (a shard of 100 pages
takes about 0.1 s, so this delays its files by a few percent at most)."""

_PIPE_SIZE = 1 << 20
"""Pipe buffer size asked for (Linux's default maximum for unprivileged processes).

A thread blocked on a full pipe needs the GIL back each time pagefind makes room, and
while the main thread renders that takes up to the interpreter's switch interval (5 ms).
With the default 64 kB pipes, sending a shard of 100 pages would wait that long dozens
of times; with 1 MB pipes, a few."""


def _enlarge(pipe: IO[bytes]) -> None:
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if set_size is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), set_size, _PIPE_SIZE)


ANSWER_TIMEOUT = 600.0
"""Seconds to wait for one answer before giving up on a pagefind that stopped talking."""


def _wait(answer: Future[Payload]) -> Payload:
    try:
        return answer.result(timeout=ANSWER_TIMEOUT)
    except TimeoutError as error:
        raise PagefindError(f"pagefind did not answer in {ANSWER_TIMEOUT:.0f} s") from error


def _expect(payload: Payload, kind: str) -> Payload:
    if payload.get("type") != kind:
        raise PagefindError(f"pagefind answered {payload.get('type')!r} to a {kind} request")
    return payload
