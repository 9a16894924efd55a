"""The PDF's text copies as ordinary CJK characters (assess/present/renderers/pdf_text.py): the
Noto CJK fonts share glyphs between radicals and ideographs, and Chromium's ToUnicode maps picked
the radical (⼯会 with U+2F2F for 工会), so a PDF reader's search for 工会 found nothing."""
from __future__ import annotations

import re
import zlib

import pytest
from click.testing import CliRunner

from assess.cli import main
from assess.present.renderers.pdf_text import IDEOGRAPH_OF, fixed_cmap, ideographic_to_unicode

RADICALS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _xref_points_at_objects(pdf: bytes) -> None:
    xref = re.search(rb"\nxref\n0 (\d+)\n", pdf)
    assert int(re.search(rb"startxref\n(\d+)\n%%EOF", pdf).group(1)) == xref.start() + 1
    for k in range(int(xref.group(1))):
        entry = pdf[xref.end() + 20 * k:xref.end() + 20 * k + 20]
        if entry[17:18] == b"n":
            assert pdf[int(entry[:10]):].startswith(b"%d 0 obj" % k), k


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_browser_pdf_text_has_no_radicals(tmp_path, lang):
    out = tmp_path / "card.pdf"
    args = ["score", "fixtures/tanglang-community.yaml", "--format", "pdf", "--out", str(out),
            "--engine", "python", "--lang", lang]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    text = _pdf_text(out)
    assert "工会" in text and "页" in text if lang == "zh" else "工会" in text
    assert not RADICALS.findall(text), sorted(set(RADICALS.findall(text)))
    _xref_points_at_objects(out.read_bytes())


def test_cmap_entries_become_ideographs():
    cmap = (b"2 beginbfchar\n<2D> <2F2F>\n<3B> <5802>\nendbfchar\n"
            b"2 beginbfrange\n<40> <42> <2F2E>\n<50> <51> <7405>\nendbfrange\n"
            b"1 beginbfchar\n<60> <2EDA>\nendbfchar\n")
    fixed = fixed_cmap(cmap)
    assert b"<2D> <5DE5>" in fixed and b"<3B> <5802>" in fixed and b"<60> <9875>" in fixed
    assert b"<40> <42> [<5DDB> <5DE5> <5DF1>]" in fixed  # ⼮⼯⼰ as 巛工己, each on its own
    assert b"<50> <51> <7405>" in fixed  # a range without radicals stays as it was
    assert all(not RADICALS.match(v) for v in IDEOGRAPH_OF.values())


def _tiny_pdf(cmap: bytes) -> bytes:
    """A PDF laid out as Chromium writes it: a font with a ToUnicode stream, a plain xref table."""
    stream = zlib.compress(cmap)
    objs = [b"<</Type /Catalog>>", b"<</Type /Font /ToUnicode 3 0 R>>",
            b"<</Filter /FlateDecode\n/Length %d>> stream\n" % len(stream) + stream + b"\nendstream",
            b"<</Producer (x)>>"]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


def test_rewritten_pdf_keeps_its_offsets():
    pdf = _tiny_pdf(b"1 beginbfchar\n<2D> <2F2F>\nendbfchar\n")
    _xref_points_at_objects(pdf)
    fixed = ideographic_to_unicode(pdf)
    assert fixed != pdf
    _xref_points_at_objects(fixed)
    stream = re.search(rb"/Length (\d+)>> stream\n", fixed)
    body = fixed[stream.end():stream.end() + int(stream.group(1))]
    assert zlib.decompress(body) == b"1 beginbfchar\n<2D> <5DE5>\nendbfchar\n"
    assert ideographic_to_unicode(fixed) == fixed  # nothing left to change
