"""Mutated banks give diagnostics, never exceptions (a cheap property test)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers import FORMATS, read_bytes
from importers.bank import Bank

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = {
    "gift": (FIXTURES / "gift" / "bank.gift").read_bytes(),
    "moodle": (FIXTURES / "moodle" / "bank.xml").read_bytes(),
    "qti12": (FIXTURES / "qti12" / "quiz.xml").read_bytes(),
    "qti21": (FIXTURES / "qti21" / "package" / "items" / "blanks.xml").read_bytes(),
    "text2qti": (FIXTURES / "text2qti" / "quiz.md").read_bytes(),
}
SPECIAL = [b"{", b"}", b"~", b"=", b"#", b"::", b"->", b"%50%", b"\\", b"<", b">", b"&",
           b"]]>", b"<![CDATA[", b"\n\n", b"{1:NM:=", b"\xff", b"\x00", b"$CATEGORY:", b"..",
           b"</question>", b"<question type=\"cloze\">", b"&amp;", b"@@PLUGINFILE@@/x",
           b"1.  ", b"*a) ", b"[*] ", b"=   ", b"+- ", b"GROUP\n", b"```{.python .run}\n",
           b"<varequal respident=\"response1\">", b"<mattext>", b"</item>",
           b"<textEntryInteraction responseIdentifier=\"R\"/>", b"baseType=\"float\""]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    fmt = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[fmt])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(SPECIAL) | st.binary(min_size=1, max_size=4))
        if action == "insert":
            data[at:at] = piece
        elif action == "delete":
            data[at : at + draw(st.integers(1, 40))] = b""
        else:
            data[at : at + len(piece)] = piece
    return fmt, bytes(data)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_input_gives_diagnostics_not_exceptions(case: tuple[str, bytes]) -> None:
    fmt, data = case
    for given_format in (fmt, None):
        bank = read_bytes(data, f"bank.{fmt}", given_format, Bank("bank"))
        for d in bank.diagnostics:
            assert d.span is not None and d.span.line >= 1
        for chapter in bank.chapters:
            for block in chapter.blocks:
                assert block["kind"] in ("question", "explanation")


def test_every_format_name_is_accepted_by_the_reader() -> None:
    # A format without a reader yet reports so as a diagnostic, never raises.
    for fmt in FORMATS:
        read_bytes(b"x", "x", fmt, Bank("x"))


def _cartridge() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    root = FIXTURES / "cc" / "cartridge"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(root).as_posix())
    return buffer.getvalue()


CARTRIDGE = _cartridge()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(CARTRIDGE) - 1), st.integers(0, 255)),
                min_size=1, max_size=4))
def test_damaged_packages_give_diagnostics_not_exceptions(flips: list[tuple[int, int]]) -> None:
    # Bytes changed anywhere in a zip: headers, CRCs, deflate streams, the manifest.
    data = bytearray(CARTRIDGE)
    for at, value in flips:
        data[at] = value
    for fmt in (None, "cc", "qti12", "qti21"):
        bank = read_bytes(bytes(data), "week5.imscc", fmt, Bank("week5.imscc"))
        assert all(d.span is not None for d in bank.diagnostics)
