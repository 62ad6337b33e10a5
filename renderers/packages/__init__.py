"""LMS packages: SCORM 1.2 and 2004 (`scorm`) and cmi5 (`cmi5`), and what they share.

A package is the HTML site plus a runtime bridge to the LMS, one launcher page per
launchable unit, and a manifest. One concept per module:
- `units`: the launchable units (one for the course, or one per chapter);
- `site`: the HTML site built with its LMS hook (`lms_bridge`) on;
- `interactions`: each question as an LMS interaction (types, ids, correct responses);
- `bridge`: the generated settings header plus the JavaScript in `static/`;
- `launcher`: the page the LMS opens, which holds the session and frames the site;
- `package`: putting the site, bridge and launchers together;
- `scorm_manifest`: `imsmanifest.xml` for SCORM 1.2 and 2004 4th edition;
- `archive`: the deterministic zip and its safety checks.
"""
