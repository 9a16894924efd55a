"""The text a PDF reader copies out of Chromium's print (`pdf.html_to_pdf`): ordinary CJK characters,
not radicals.

The CJK fonts (Noto Sans CJK SC and its kin) draw a radical and the ideograph it looks like with one
glyph: the cmap maps both U+2F2F (⼯, KANGXI RADICAL WORK) and U+5DE5 (工) to it. Chromium's PDF
writer (Skia) builds each font's ToUnicode map from that cmap, glyph to code point, and keeps the
radical, so 工会 copies as ⼯会 and a reader's search for 工会 finds nothing. `ideographic_to_unicode`
rewrites the ToUnicode maps: every radical is the ideograph of its glyph. A page never holds a
radical as such (its text is union, standard and item names), so nothing is lost.

Only the ToUnicode streams change; the objects after them move, so the cross-reference table is
written anew. The same input gives the same bytes (zlib at its default level is deterministic).
"""
from __future__ import annotations

import re
import unicodedata
import zlib

# CJK Radicals Supplement (U+2E80-U+2EFF): most have no NFKC mapping. The ideograph each shares its
# glyph with in the Noto CJK fonts' cmaps (the same in every face of fonts-noto-cjk that has it).
_SUPPLEMENT = dict(zip(
    "⺂⺃⺅⺇⺉⺋⺍⺎⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺤⺦⺨⺩⺫⺭⺮⺯⺰⺱⺲⺳⺹⺺⺽⺾⺿⻁⻂⻃⻄⻅⻆⻇⻈⻉⻊⻋⻌⻍⻎"
    "⻐⻑⻒⻓⻔⻕⻖⻘⻙⻚⻛⻜⻝⻞⻟⻠⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻫⻬⻭⻮⻯⻰⻱⻲⻳",
    "乛乚亻𠘨刂㔾𭕄兀尣尢巳幺彑彐忄扌攵旡歺母民氵灬爫丬犭𤣩罒礻𥫗糹纟罓罒㓁耂肀𦥑艹艹虎衤覀西见角𧢲讠贝𧾷车辶辶辶"
    "钅長镸长门𨸏阝青韦页风飞食𩙿飠饣𩠐马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟"))
# Kangxi Radicals (U+2F00-U+2FD5) all have an NFKC mapping; the SC face draws ⼾ as 户, not NFKC's 戶.
_KANGXI = {chr(cp): unicodedata.normalize("NFKC", chr(cp)) for cp in range(0x2F00, 0x2FD6)} | {"⼾": "户"}
IDEOGRAPH_OF = _SUPPLEMENT | _KANGXI
_RADICAL_HEX = re.compile(rb"<(2[EF][0-9A-F]{2})>", re.I)

_OBJ = re.compile(rb"\n(\d+) 0 obj\n<</Filter /FlateDecode\n/Length (\d+)>> stream\n")
_TO_UNICODE = re.compile(rb"/ToUnicode (\d+) 0 R")
_BFCHAR = re.compile(rb"(<[0-9A-Fa-f]+>\s*)<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]{4})>")
_SECTION = re.compile(rb"(beginbf(char|range)\n)(.*?)(\nendbf\2)", re.S)
_XREF = re.compile(rb"\nxref\n0 (\d+)\n")
_STARTXREF = re.compile(rb"startxref\n(\d+)\n%%EOF\s*$")


def _utf16_hex(text: str) -> bytes:
    return text.encode("utf-16-be").hex().upper().encode()


def _ideographs(dst: bytes) -> bytes:
    """A bfchar destination (UTF-16BE hex) with every radical replaced by its ideograph."""
    text = bytes.fromhex(dst.decode()).decode("utf-16-be", "surrogatepass")
    fixed = "".join(IDEOGRAPH_OF.get(ch, ch) for ch in text)
    return dst if fixed == text else _utf16_hex(fixed)


def _range(found: re.Match) -> bytes:
    # A range whose code points include a radical becomes the array form, one destination per code.
    lo, hi, start = int(found.group(1), 16), int(found.group(2), 16), int(found.group(3), 16)
    chars = [chr(start + k) for k in range(hi - lo + 1)]
    if not any(ch in IDEOGRAPH_OF for ch in chars) or start + hi - lo > 0xFFFF:
        return found.group(0)
    dsts = b" ".join(b"<" + _utf16_hex(IDEOGRAPH_OF.get(ch, ch)) + b">" for ch in chars)
    return b"<" + found.group(1) + b"> <" + found.group(2) + b"> [" + dsts + b"]"


def fixed_cmap(cmap: bytes) -> bytes:
    """A ToUnicode CMap's text with every radical destination (bfchar and bfrange alike) replaced
    by the ideograph its glyph draws; other entries are kept byte for byte."""
    def section(found: re.Match) -> bytes:
        if found.group(2) == b"char":
            body = _BFCHAR.sub(lambda m: m.group(1) + b"<" + _ideographs(m.group(2)) + b">", found.group(3))
        else:
            body = _BFRANGE.sub(_range, found.group(3))
        return found.group(1) + body + found.group(4)
    return _SECTION.sub(section, cmap)


def ideographic_to_unicode(pdf: bytes) -> bytes:
    """Chromium's PDF with its fonts' ToUnicode maps giving ideographs, not radicals (see the module
    docstring), and its cross-reference table and startxref moved to match. A PDF with no radical in
    any ToUnicode map, or not laid out as Chromium writes it (a plain xref table after the objects,
    Flate streams with a direct /Length), is returned unchanged."""
    wanted = {int(n) for n in _TO_UNICODE.findall(pdf)}
    edits: list[tuple[int, int, bytes]] = []  # (start, end, replacement) of a stream and its /Length
    for found in _OBJ.finditer(pdf):
        if int(found.group(1)) not in wanted:
            continue
        start, length = found.end(), int(found.group(2))
        cmap = zlib.decompress(pdf[start:start + length])
        if not _RADICAL_HEX.search(cmap):
            continue
        body = zlib.compress(fixed_cmap(cmap))
        head = found.group(0).replace(b"/Length %d>>" % length, b"/Length %d>>" % len(body))
        edits.append((found.start(), start + length, head + body))
    xref, startxref = _XREF.search(pdf), _STARTXREF.search(pdf)
    if not edits or xref is None or startxref is None or int(startxref.group(1)) != xref.start() + 1:
        return pdf
    return _with_edits(pdf, edits, xref)


def _with_edits(pdf: bytes, edits: list[tuple[int, int, bytes]], xref: re.Match) -> bytes:
    """The PDF with the edits made and every offset after them shifted: the xref entries and startxref."""
    def moved(offset: int) -> int:
        return offset + sum(len(new) - (end - start) for start, end, new in edits if end <= offset)
    out, at = [], 0
    for start, end, new in edits:
        out += [pdf[at:start], new]
        at = end
    out.append(pdf[at:xref.start()])
    count, entries = int(xref.group(1)), xref.end()
    table = []
    for k in range(count):
        entry = pdf[entries + 20 * k:entries + 20 * k + 20]
        if entry[17:18] == b"n":
            entry = b"%010d" % moved(int(entry[:10])) + entry[10:]
        table.append(entry)
    rest = pdf[entries + 20 * count:]
    rest = _STARTXREF.sub(lambda m: m.group(0).replace(m.group(1), b"%d" % (moved(xref.start() + 1))), rest)
    return b"".join(out) + pdf[xref.start():entries] + b"".join(table) + rest
