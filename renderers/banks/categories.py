"""Moodle question-category paths, shared by the Moodle XML and GIFT exports.

Both importers hand the path to qformat_default::create_category_path
(question/format.php), so both need the same spelling.
"""

from __future__ import annotations


def category_name(name: str) -> str:
    """One category name as Moodle keeps it: whitespace runs made single spaces, `/`
    doubled (question/format.php, qformat_default::split_category_path reads `//` as a
    literal slash), and `<`, `>` as HTML entities.

    Why the entities: the importer cleans each name with `clean_param(..., PARAM_TEXT)`
    (qformat_default::create_category_path), which strips anything tag-like, so
    "Basics & <Choices>" would become "Basics & ". Moodle shows category names as HTML
    (format_string), where the entities read as the author's `<` and `>`.
    """
    name = " ".join(name.split()).replace("/", "//")
    return name.replace("<", "&lt;").replace(">", "&gt;")


def category_text(*names: str) -> str:
    """A Moodle category path below the course's top category."""
    return "$course$/top/" + "/".join(category_name(n) for n in names)

