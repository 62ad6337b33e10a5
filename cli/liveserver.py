"""The preview web server of `lessonkit serve`: the built site, reloaded on every build.

A small stdlib web server (no new dependency) serves the built site on 127.0.0.1 and
adds one script and one style sheet to every HTML page it sends (files of its own,
under `/__lessonkit__/`, so the pages' Content-Security-Policy still holds). The script
long-polls `/__lessonkit__/status`: when a build succeeds the page reloads; when a save
breaks the course, the page shows the diagnostics (file:line and message) over the last
good build, which stays up. A watcher thread runs the rebuild on every relevant save.

The server takes a `rebuild` function (`Callable[[], list[Diagnostic]]`) that builds the
site and returns every diagnostic; it must leave the previous site in place when the
course has errors.
"""

from __future__ import annotations

import functools
import http.server
import json
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import click

from engine.diagnostics import Code, Diagnostic, Severity

Rebuild = Callable[[], list[Diagnostic]]
"""Builds the site; returns every diagnostic (errors mean the previous site was kept)."""

LIVE_PREFIX = "/__lessonkit__/"
POLL_SECONDS = 20.0

_LIVE_SCRIPT = """\
/* lessonkit serve: reload on a new build, show diagnostics when the course is broken. */
(function () {
  'use strict';
  var build = null, attempt = null;
  function overlay(errors) {
    var old = document.getElementById('lessonkit-live');
    if (old) old.remove();
    if (!errors.length) return;
    var box = document.createElement('section');
    box.id = 'lessonkit-live';
    box.setAttribute('role', 'alert');
    var title = document.createElement('h2');
    title.textContent = 'The course has errors; showing the last good build';
    box.appendChild(title);
    var list = document.createElement('ul');
    errors.forEach(function (e) {
      var li = document.createElement('li');
      var where = document.createElement('code');
      where.textContent = e.where;
      li.appendChild(where);
      li.appendChild(document.createTextNode(' ' + e.severity + '[' + e.code + ']: ' + e.message));
      // The hint ("did you mean ...") and the notes, as `check` prints them.
      [].concat(e.hint ? ['help: ' + e.hint] : [], (e.notes || []).map(function (n) {
        return 'note: ' + n;
      })).forEach(function (text) {
        var more = document.createElement('div');
        more.className = 'lessonkit-live-note';
        more.textContent = text;
        li.appendChild(more);
      });
      list.appendChild(li);
    });
    box.appendChild(list);
    document.body.appendChild(box);
  }
  function poll() {
    fetch('/__lessonkit__/status?since=' + (attempt === null ? '' : attempt), { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (status) {
        if (build !== null && status.build !== build) { window.location.reload(); return; }
        build = status.build;
        attempt = status.attempt;
        overlay(status.errors);
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"""

_LIVE_STYLE = """\
#lessonkit-live { position: fixed; inset: auto 1rem 1rem 1rem; z-index: 1000;
  max-height: 50vh; overflow: auto; padding: 1rem 1.25rem; border: 2px solid #a3142b;
  border-radius: 0.5rem; background: #fff5f6; color: #1b1f24; font: 0.95rem/1.5 system-ui,
  sans-serif; box-shadow: 0 0.5rem 2rem rgb(0 0 0 / 25%); }
#lessonkit-live h2 { margin: 0 0 0.5rem; font-size: 1rem; color: #a3142b; }
#lessonkit-live ul { margin: 0; padding-inline-start: 1.25rem; }
#lessonkit-live code { font-weight: 700; }
.lessonkit-live-note { margin-inline-start: 1rem; opacity: 0.8; }
"""

_PLACEHOLDER = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>lessonkit serve</title></head>
<body><main><h1>No site yet</h1><p>The first build has not succeeded.</p></main></body></html>
"""


@dataclass
class LiveState:
    """The outcome of the last build attempt, shared with the requests that wait for it.

    `build` counts successful builds (a browser reloads when it changes); `attempt` counts
    every attempt (a browser updates its problem overlay when it changes).
    """

    build: int = 0
    attempt: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def publish(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Record an attempt: a new build when it had no error, else its diagnostics."""
        shown = [_as_json(d) for d in diagnostics if d.severity is Severity.ERROR]
        with self.changed:
            if not shown:
                self.build += 1
            self.attempt += 1
            self.errors = shown
            self.changed.notify_all()

    def wait(self, since: int | None, timeout: float) -> dict[str, object]:
        """The status, once an attempt after `since` happened (or after `timeout` seconds)."""
        with self.changed:
            if since is not None:
                self.changed.wait_for(lambda: self.attempt != since, timeout)
            return {"build": self.build, "attempt": self.attempt, "errors": list(self.errors)}


def _as_json(diagnostic: Diagnostic) -> dict[str, object]:
    span = diagnostic.span
    return {
        "where": str(span) if span else "",
        "severity": diagnostic.severity.value,
        "code": diagnostic.code.value,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "notes": list(diagnostic.notes),
    }


class LiveHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site, its live-reload files and the status endpoint."""

    state: LiveState
    poll_seconds: float = POLL_SECONDS

    def log_message(self, format: str, *args: object) -> None:
        pass  # one line per request would drown the build messages

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if not _is_local_host(self.headers.get("Host")):
            # DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 may
            # read this server unless the Host header is checked.
            self.send_error(403, "Host header is not localhost")
            return
        url = urlsplit(self.path)
        if url.path.startswith(LIVE_PREFIX):
            self._live(url.path[len(LIVE_PREFIX):], parse_qs(url.query))
            return
        local = Path(self.translate_path(url.path))
        if local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            self._send(200, "text/html; charset=utf-8", _inject(local.read_bytes()))
        elif not Path(self.directory).is_dir() and url.path in ("/", "/index.html"):
            self._send(200, "text/html; charset=utf-8", _inject(_PLACEHOLDER.encode()))
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if not _is_local_host(self.headers.get("Host")):
            self.send_error(403, "Host header is not localhost")
            return
        super().do_HEAD()

    def _live(self, name: str, query: dict[str, list[str]]) -> None:
        if name == "live.js":
            self._send(200, "text/javascript; charset=utf-8", _LIVE_SCRIPT.encode())
        elif name == "live.css":
            self._send(200, "text/css; charset=utf-8", _LIVE_STYLE.encode())
        elif name == "status":
            since = query.get("since", [""])[0]
            status = self.state.wait(int(since) if since.isdigit() else None, self.poll_seconds)
            self._send(200, "application/json", json.dumps(status).encode())
        else:
            self.send_error(404)

    def _send(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


def _is_local_host(host: str | None) -> bool:
    """Whether a Host header names this machine (`localhost`, `127.0.0.1`, `[::1]`, any port)."""
    if not host:
        return False
    name = host.strip().lower()
    if name.startswith("["):
        name = name[: name.find("]") + 1]
    else:
        name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
    return name.rstrip(".") in LOCAL_HOSTS


class _QuietServer(http.server.ThreadingHTTPServer):
    """Forgets clients that leave mid-answer (a closed tab) instead of printing a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # BrokenPipeError, ConnectionResetError: the reader is gone
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def _inject(html: bytes) -> bytes:
    tags = (f'<link rel="stylesheet" href="{LIVE_PREFIX}live.css">'
            f'<script src="{LIVE_PREFIX}live.js" defer></script>').encode()
    head = html.find(b"</head>")
    return html[:head] + tags + html[head:] if head >= 0 else tags + html


class LiveServer:
    """The preview server and its watcher thread; `start()`, then `stop()`."""

    def __init__(
        self, site: Path, rebuild: Rebuild, watch: list[Path], *, port: int = 0,
        ignore: list[Path] | None = None, debounce_ms: int = 300,
    ) -> None:
        self.state = LiveState()
        self.rebuild = rebuild
        self.watch = watch
        self.ignore = [p.resolve() for p in (ignore or [])]
        self.debounce_ms = debounce_ms
        self.seconds = 0.0
        """How long the last rebuild took."""
        self.stopping = threading.Event()
        handler = type("Handler", (LiveHandler,), {"state": self.state})
        self.httpd = _QuietServer(
            ("127.0.0.1", port), functools.partial(handler, directory=str(site)))
        self.httpd.daemon_threads = True
        self.threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def build_once(self) -> list[Diagnostic]:
        """Run the rebuild and publish its outcome."""
        started = time.perf_counter()
        try:
            diagnostics = self.rebuild()
        except Exception as error:  # a bug in the build must not stop the preview
            click.echo(traceback.format_exc(), err=True)
            diagnostics = [Diagnostic(Code.UNSUPPORTED, f"the build crashed: {error!r}",
                                      severity=Severity.ERROR)]
        self.seconds = time.perf_counter() - started
        self.state.publish(diagnostics)
        return diagnostics

    def _relevant(self, changes: Iterable[tuple[object, str]]) -> bool:
        for _, raw in changes:
            path = Path(raw).resolve()
            if any(part.startswith(".") or part == "__pycache__" for part in path.parts):
                continue
            if any(path.is_relative_to(ignored) for ignored in self.ignore):
                continue
            return True
        return False

    def _watch(self, on_build: Callable[[list[Diagnostic]], None]) -> None:
        from watchfiles import watch

        for changes in watch(*self.watch, stop_event=self.stopping, debounce=self.debounce_ms,
                             step=50, rust_timeout=500, yield_on_timeout=False):
            if self._relevant(changes):
                on_build(self.build_once())

    def start(self, on_build: Callable[[list[Diagnostic]], None] = lambda _d: None) -> None:
        """Serve and watch in background threads."""
        for target in (self.httpd.serve_forever, lambda: self._watch(on_build)):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        self.stopping.set()
        with self.state.changed:
            self.state.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
