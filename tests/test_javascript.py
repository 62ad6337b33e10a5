"""The browser JavaScript the site and the LMS packages ship is type-checked and linted.

`tsc --checkJs` (tsconfig.json; the names the scripts share through `window` are declared
in renderers/browser-globals.d.ts) and ESLint's recommended rules (eslint.config.mjs),
both from .tools/npm (scripts/install-tools.sh). A missing tool fails, it never skips.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / ".tools" / "npm" / "node_modules"
TSC = NODE_MODULES / "typescript" / "bin" / "tsc"
ESLINT = NODE_MODULES / "eslint" / "bin" / "eslint.js"
FOLDERS = ("renderers/site/static", "renderers/packages/static")
SCRIPTS = sorted(path for folder in FOLDERS for path in (ROOT / folder).glob("*.js"))


def _run(tool: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    assert tool.is_file(), f"{tool} is missing: run scripts/install-tools.sh"
    return subprocess.run(["node", str(tool), *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_scripts_have_no_type_errors() -> None:
    done = _run(TSC, "-p", "tsconfig.json")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_scripts_pass_eslint_recommended() -> None:
    done = _run(ESLINT, "--max-warnings", "0", *FOLDERS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_script_asks_for_type_checking() -> None:
    # So an editor checks them as the test does, and a new file is not left out.
    assert len(SCRIPTS) >= 9
    unchecked = [p.name for p in SCRIPTS if not p.read_text("utf-8").startswith("// @ts-check")]
    assert unchecked == []
    config = json.loads((ROOT / "tsconfig.json").read_text("utf-8"))
    assert {f"{folder}/*.js" for folder in FOLDERS} <= set(config["include"])


def test_tsc_fails_on_a_wrong_use_of_a_shared_name(tmp_path: Path) -> None:
    # The checks can fail: lessonkit.t takes a string key (browser-globals.d.ts).
    bad = tmp_path / "bad.js"
    bad.write_text("// @ts-check\nwindow.lessonkit.t(42);\n", encoding="utf-8")
    config = tmp_path / "tsconfig.json"
    config.write_text(json.dumps({
        "extends": str(ROOT / "tsconfig.json"),
        "include": [str(ROOT / "renderers" / "browser-globals.d.ts"), str(bad)],
    }), encoding="utf-8")
    done = _run(TSC, "-p", str(config))
    assert done.returncode != 0
    assert "bad.js(2,20): error TS2345" in done.stdout, done.stdout


def test_eslint_fails_on_an_undefined_name() -> None:
    done = _run(ESLINT, "--stdin", "--stdin-filename", "renderers/site/static/bad.js",
                stdin="(function () { 'use strict'; lessonkitGrad(); })();\n")
    assert done.returncode == 1
    assert "'lessonkitGrad' is not defined" in done.stdout, done.stdout
