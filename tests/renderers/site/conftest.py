"""Fixtures of the static-site tests: one build per course, one browser, one web server.

Browser tests run in one xdist group (`html`), so one worker owns the browser and the
builds. The tools come from `make tools` (scripts/install-tools.sh); a missing tool makes
the tests fail, never skip.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    expect,
    sync_playwright,
)

from cli.output import write_bundle
from engine.model import Course
from tests.renderers.site.html_helpers import (
    BROWSER_ARGS,
    CHROMIUM,
    TIMEOUT_MS,
    Endpoint,
    QuietHandler,
    Site,
    folder_handler,
    render,
    serving,
)

# Assertions wait as long as actions do: the machine may be busy with other test workers.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def feedback_endpoint() -> Iterator[Endpoint]:
    endpoint = Endpoint("")

    class Handler(QuietHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            endpoint.received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()

    with serving(Handler) as url:
        endpoint.url = f"{url}/feedback"
        yield endpoint


@pytest.fixture(scope="session")
def sites(
    tmp_path_factory: pytest.TempPathFactory,
    complete_course: Course,
    sample_course: Course,
    feedback_endpoint: Endpoint,
) -> dict[str, Site]:
    """Both courses built once; the completeness course POSTs feedback to the test endpoint."""
    feedback = complete_course.feedback.model_copy(update={"endpoint": feedback_endpoint.url})
    complete = complete_course.model_copy(update={"feedback": feedback})
    result = {}
    for name, course in (("complete", complete), ("sample", sample_course)):
        folder = tmp_path_factory.mktemp(f"site-{name}") / "site"
        bundle = render(course)
        write_bundle(bundle, folder)
        result[name] = Site(course, folder, bundle)
    return result


@pytest.fixture(scope="session")
def server(sites: dict[str, Site], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One web server for both sites, each under its own sub-path (`/complete/`, `/sample/`),
    which also proves the site works below the server root."""
    root = tmp_path_factory.mktemp("served")
    for name, site in sites.items():
        (root / name).symlink_to(site.folder, target_is_directory=True)
    with serving(folder_handler(root)) as url:
        yield url


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    """Headless Chromium for the whole session.

    Playwright's sync API allows one instance per process, and other test folders drive
    a browser too: when the suite-wide `chromium` fixture exists (tests/conftest.py), it
    is shared; otherwise this folder starts its own.
    """
    try:
        shared: Browser = request.getfixturevalue("chromium")
    except pytest.FixtureLookupError:
        pass
    else:
        yield shared
        return
    with sync_playwright() as playwright:
        own = playwright.chromium.launch(
            executable_path=CHROMIUM, args=BROWSER_ARGS, timeout=TIMEOUT_MS * 2)
        yield own
        own.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile per test (empty localStorage)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page that fails the test on any uncaught script error."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], errors
