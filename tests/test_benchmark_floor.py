"""The yardsticks `make bench` measures the build against (benchmarks/floor_site.py) do the
work they are named for: a floor that skipped a feature would flatter nothing but itself,
and one that did nothing would make every ratio against it meaningless."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import floor_site, real_content


def test_the_feature_floor_highlights_converts_formulas_and_indexes(tmp_path: Path) -> None:
    course = tmp_path / "course"
    real_content.generate(len(real_content._sample_chapters()), course)
    plain, featured = tmp_path / "plain", tmp_path / "featured"
    floor_site.main(course, plain, workers=1, markdown="pyrs")
    floor_site.main(course, featured, workers=1, markdown="pyrs", features=True)

    pages = sorted(p.name for p in plain.glob("*.html"))
    assert pages and pages == sorted(p.name for p in featured.glob("*.html"))
    plain_html = "".join((plain / name).read_text() for name in pages)
    featured_html = "".join((featured / name).read_text() for name in pages)
    # Python keywords in Pygments' classes, formulas as MathML: only with the features.
    assert '<span class="k">def</span>' in featured_html
    assert '<span class="k">' not in plain_html
    assert featured_html.count("<math") > 100 and "<math" not in plain_html
    assert "FLOORMATH" not in featured_html  # every formula put back
    assert not (plain / "search.json").exists()

    records = json.loads((featured / "search.json").read_text())
    assert sorted(url for url, _ in records) == pages
    text = " ".join(words for _, words in records)
    assert "<span" not in text and "<math" not in text and "&lt;" not in text
    assert "gradient" in text
