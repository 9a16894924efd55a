"""The batch parent's cheaper per-record work gives exactly what the general path gave: chunks
packed for the pool unpack to the very Sources, and repeated unions are found as an exact
comparison of keys finds them."""
from __future__ import annotations

import random

from assess.core.unions import union_key
from assess.workflows.batch.repeats import Repeats
from assess.workflows.batch.sources import Source, _jsonl_sources, pack_chunk, unpack_chunk


def test_a_packed_chunk_unpacks_to_the_same_sources(tmp_path):
    path = tmp_path / "r.jsonl"
    rng = random.Random(3)
    path.write_bytes(b"\xef\xbb\xbf" + b"".join(rng.choice([b"\n", b" \t\n", b'{"n": %d}\n' % i, b'  {"n": %d}\r\n' % i])
                                                 for i in range(80)))
    chunk = list(_jsonl_sources(str(path)))
    packed = pack_chunk(chunk)
    assert packed[0] == "lines"
    back = unpack_chunk(packed)
    assert back == chunk and all(type(s) is Source for s in back)


def test_chunks_that_are_not_one_files_lines_are_sent_as_they_are():
    line = Source("f:1", "line", b"{}", "f", 1)
    for chunk in ([line, Source("g:2", "line", b"{}", "g", 2)],  # two files
                  [line, Source("f:2", "data", {}, "f", 2)],  # not a line
                  [line, Source("elsewhere", "line", b"{}", "f", 2)],  # a position of its own
                  [line, Source("f:True", "line", b"{}", "f", True)],  # a number that is not an int
                  [Source("x.yaml", "file", "x.yaml", "x.yaml")]):
        packed = pack_chunk(chunk)
        assert packed == ("sources", chunk) and unpack_chunk(packed) == chunk


def _exact_repeats(seen: list[tuple[Source, tuple | None]]) -> list[tuple]:
    """What `Repeats.found` must say, by comparing the keys themselves: each union in the order of
    its first record, named as its second record writes it (the first one noted as a repeat)."""
    first: dict[tuple, list] = {}
    for src, key in seen:
        if key is not None:
            first.setdefault((union_key(key[0]), key[1], key[2]), []).append((src.position, key))
    return [(found[1][1][0], found[1][1][1:], tuple(p for p, _ in found)) for found in first.values() if len(found) > 1]


def test_repeats_are_found_as_an_exact_comparison_of_keys_finds_them():
    rng = random.Random(11)
    ids = ["u1", "U1", "ｕ１", " u1 ", "u2", "工会-3", "u4"]
    periods = [("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-12-31")]
    for trial in range(40):
        seen = []
        for i in range(rng.randrange(1, 60)):
            file = rng.choice(["a.jsonl", "b.jsonl"])
            src = (Source(f"{file}:{i + 1}", "line", b"", file, i + 1) if rng.random() < 0.8
                   else Source(f"dir/{i}.yaml", "file", f"dir/{i}.yaml", f"dir/{i}.yaml"))
            key = None if rng.random() < 0.1 else (rng.choice(ids), *rng.choice(periods))
            seen.append((src, key))
        repeats = Repeats()
        for src, key in seen:
            repeats.see(src, key)
        assert [(r.union_id, r.period, r.positions) for r in repeats.found()] == _exact_repeats(seen)
