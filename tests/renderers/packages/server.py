"""Two small HTTP servers on 127.0.0.1 for the runtime tests.

`StaticServer` serves a folder: unzipped packages under `/pkg/<name>/`, the test LMS
page and scorm-again's dist files under `/lms/`. `MockLrs` is the LMS side of cmi5 on
another port, so requests to it are cross-origin as with a real LMS (CORS preflight
included): the one-time token `fetch` URL, the State API and the Statements API. It
records everything the AU sends and checks the authorization of every xAPI call.
"""

from __future__ import annotations

import base64
import functools
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.helpers import LocalServer


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class StaticServer:
    """Serves `root` on a free port of 127.0.0.1 until `close()`."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietFiles, directory=str(root))
        self.httpd = LocalServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Launch:
    """One AU launch the mock LMS prepared: the query parameters and the auth it expects."""

    actor: dict[str, Any]
    registration: str
    activity_id: str
    session_id: str
    token: str
    fetched: int = 0


@dataclass
class LrsRecord:
    """Everything the AU sent."""

    statements: list[dict[str, Any]] = field(default_factory=list)
    state_puts: list[tuple[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str, int]] = field(default_factory=list)


class MockLrs:
    """The LMS's LRS for cmi5 tests: token fetch, State API, Statements API."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.launches: dict[str, Launch] = {}
        self.state: dict[tuple[str, str, str, str], Any] = {}
        self.record = LrsRecord()
        lrs = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_OPTIONS(self) -> None:
                self.send_response(204)
                self._cors()
                self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS")
                self.send_header(
                    "Access-Control-Allow-Headers",
                    "Authorization, Content-Type, X-Experience-API-Version",
                )
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                lrs.handle(self, "GET")

            def do_POST(self) -> None:
                lrs.handle(self, "POST")

            def do_PUT(self) -> None:
                lrs.handle(self, "PUT")

            def _cors(self) -> None:
                self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin", "*"))
                self.send_header("Access-Control-Allow-Credentials", "true")

            def reply(self, status: int, body: Any = None) -> None:
                data = b"" if body is None else json.dumps(body).encode("utf-8")
                self.send_response(status)
                self._cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = LocalServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.endpoint = f"{self.base}/xapi/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self) -> None:
        """Forget what earlier tests sent (launches and saved state stay)."""
        with self.lock:
            self.record = LrsRecord()

    def prepare(
        self, activity_id: str, launch_data: dict[str, Any], registration: str | None = None
    ) -> tuple[Launch, str]:
        """Do what an LMS does before a launch; return the launch and its query string."""
        from urllib.parse import urlencode

        launch = Launch(
            actor={"objectType": "Agent", "name": "Test Learner",
                   "account": {"homePage": "https://lms.example.org", "name": "learner-1"}},
            registration=registration or str(uuid.uuid4()),
            activity_id=activity_id,
            session_id=str(uuid.uuid4()),
            token=base64.b64encode(f"au:{uuid.uuid4()}".encode()).decode(),
        )
        key = uuid.uuid4().hex
        template = launch_data.setdefault("contextTemplate", {})
        template.setdefault("contextActivities", {"grouping": [{"id": "urn:test:course"}]})
        template.setdefault("extensions", {})[
            "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
        ] = launch.session_id
        with self.lock:
            self.launches[key] = launch
            self.state[self._state_key("LMS.LaunchData", launch)] = launch_data
        query = urlencode({
            "endpoint": self.endpoint,
            "fetch": f"{self.base}/fetch/{key}",
            "actor": json.dumps(launch.actor),
            "registration": launch.registration,
            "activityId": activity_id,
        })
        return launch, query

    @staticmethod
    def _state_key(state_id: str, launch: Launch) -> tuple[str, str, str, str]:
        return (state_id, launch.activity_id, launch.registration,
                launch.actor["account"]["name"])

    def saved_state(self, state_id: str, launch: Launch) -> Any:
        """The document the AU stored under `state_id`, or None."""
        with self.lock:
            return self.state.get(self._state_key(state_id, launch))

    def handle(self, request: Any, method: str) -> None:
        url = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        with self.lock:
            self.record.requests.append((method, url.path))
        if url.path.startswith("/fetch/") and method == "POST":
            self._fetch(request, url.path.removeprefix("/fetch/"))
            return
        launch = self._authorized(request)
        if launch is None:
            with self.lock:
                self.record.rejected.append((method, url.path, 401))
            request.reply(401, {"error": "bad or missing Authorization"})
            return
        if request.headers.get("X-Experience-API-Version") != "1.0.3":
            request.reply(400, {"error": "X-Experience-API-Version 1.0.3 required"})
            return
        if url.path == "/xapi/activities/state":
            self._state(request, method, query, body, launch)
        elif url.path == "/xapi/statements" and method == "POST":
            data = json.loads(body)
            statements = data if isinstance(data, list) else [data]
            with self.lock:
                self.record.statements.extend(statements)
            request.reply(200, [s.get("id") for s in statements])
        else:
            request.reply(404, {"error": "not found"})

    def _fetch(self, request: Any, key: str) -> None:
        with self.lock:
            launch = self.launches.get(key)
            if launch is not None:
                launch.fetched += 1
        if launch is None or launch.fetched > 1:
            request.reply(200, {"error-code": "1", "error-text": "already used or unknown"})
            return
        request.reply(200, {"auth-token": launch.token})

    def _authorized(self, request: Any) -> Launch | None:
        header = request.headers.get("Authorization", "")
        with self.lock:
            for launch in self.launches.values():
                if header == f"Basic {launch.token}" and launch.fetched:
                    return launch
        return None

    def _state(
        self, request: Any, method: str, query: dict[str, str], body: bytes, launch: Launch
    ) -> None:
        agent = json.loads(query.get("agent", "{}"))
        if (query.get("activityId") != launch.activity_id
                or query.get("registration") != launch.registration
                or agent.get("account") != launch.actor["account"]):
            request.reply(400, {"error": "state query does not match the launch"})
            return
        key = self._state_key(query.get("stateId", ""), launch)
        if method == "GET":
            with self.lock:
                found = key in self.state
                document = self.state.get(key)
            if not found:
                request.reply(404, {"error": "no such state"})
            else:
                request.reply(200, document)
            return
        if method == "PUT":
            document = json.loads(body)
            with self.lock:
                self.state[key] = document
                self.record.state_puts.append((key[0], document))
            request.reply(204)
            return
        request.reply(405, {"error": "method not allowed"})
