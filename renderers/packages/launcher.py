"""The launcher page: what the LMS opens for one SCO or AU.

It holds the one LMS session of the launch and shows the site in a frame, filled only
once the session is open, so the site's first `load()` already sees the saved state
(see static/bridge-common.js for why a multi-page site cannot hold the session).
"""

from __future__ import annotations

from html import escape

from renderers.packages.bridge import BRIDGE_PATH
from renderers.packages.units import Unit

SITE_FRAME_ID = "lessonkit-site"


def launcher_page(unit: Unit, language: str) -> bytes:
    """The launcher's HTML: a full-window frame, filled once the LMS session is open."""
    title = escape(unit.title)
    start = escape(unit.start)
    html = f"""<!DOCTYPE html>
<html lang="{escape(language)}" data-lessonkit-launcher="{escape(unit.key)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>html,body{{margin:0;height:100%;overflow:hidden}}\
iframe{{display:block;border:0;width:100%;height:100%}}</style>
</head>
<body>
<iframe id="{SITE_FRAME_ID}" title="{title}" data-src="{start}"></iframe>
<noscript><p><a href="{start}">{title}</a></p></noscript>
<script src="{BRIDGE_PATH}"></script>
</body>
</html>
"""
    return html.encode("utf-8")
