"""Parsed files kept between runs (assess/core/parsed_cache.py): never a stale or damaged answer,
and no failure when the cache cannot be written."""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from assess.core import parsed_cache
from assess.core.messages import _parse, catalogue


def _counting(calls: list[bytes]):
    def parse(raw: bytes):
        calls.append(raw)
        return yaml.safe_load(raw)
    return parse


def test_the_same_bytes_are_parsed_once_and_changed_bytes_again(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    calls: list[bytes] = []
    assert parsed_cache.parsed("t", b"a: {zh: one}\n", _counting(calls)) == {"a": {"zh": "one"}}
    assert parsed_cache.parsed("t", b"a: {zh: one}\n", _counting(calls)) == {"a": {"zh": "one"}}
    assert len(calls) == 1
    assert parsed_cache.parsed("t", b"a: {zh: two}\n", _counting(calls)) == {"a": {"zh": "two"}}
    assert len(calls) == 2


def test_a_damaged_cache_file_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    calls: list[bytes] = []
    parsed_cache.parsed("t", b"k: v\n", _counting(calls))
    (kept,) = tmp_path.glob("t-*.json")
    kept.write_bytes(b'{"k": "v')  # half written
    assert parsed_cache.parsed("t", b"k: v\n", _counting(calls)) == {"k": "v"}
    assert len(calls) == 2


def test_an_unwritable_cache_still_gives_the_value(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(blocked / "cache"))
    calls: list[bytes] = []
    assert parsed_cache.parsed("t", b"k: v\n", _counting(calls)) == {"k": "v"}
    assert parsed_cache.parsed("t", b"k: v\n", _counting(calls)) == {"k": "v"}
    assert len(calls) == 2 and os.listdir(tmp_path) == ["file"]


def test_data_json_cannot_give_back_is_never_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    calls: list[bytes] = []
    assert parsed_cache.parsed("t", b"d: 2025-01-01\n", _counting(calls))["d"].year == 2025
    assert list(tmp_path.iterdir()) == []


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, "")
    assert parsed_cache.cache_dir() is None


def test_messages_from_the_cache_are_the_file_parsed(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    catalogue.cache_clear()
    try:
        first, again = catalogue(), (catalogue.cache_clear(), catalogue())[1]
    finally:
        catalogue.cache_clear()
    from importlib import resources
    raw = resources.files("assess.core").joinpath("messages.yaml").read_bytes()
    assert first == again == _parse(raw) and list(again) == list(_parse(raw))
    assert len(list(tmp_path.glob("messages-*.json"))) == 1


def test_a_cache_file_that_is_still_json_but_not_what_was_written_is_parsed_again(tmp_path, monkeypatch):
    # Found by the break-it pass: `null`, `[]` or `{}` written over the cache file broke every
    # command (AttributeError, KeyError) until the file was deleted.
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    calls: list[bytes] = []
    parsed_cache.parsed("t", b"k: v\n", _counting(calls))
    (kept,) = tmp_path.glob("t-*.json")
    for other in (b"null", b"[]", b"{}", b'{"k": "edited"}', kept.read_bytes().replace(b'"v"', b'"w"')):
        kept.write_bytes(other)
        assert parsed_cache.parsed("t", b"k: v\n", _counting(calls)) == {"k": "v"}
    assert len(calls) == 6


def test_cache_locations_are_read_as_people_write_them(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, "~/cache-here")
    assert parsed_cache.cache_dir() == Path(os.path.expanduser("~")) / "cache-here"
    monkeypatch.setenv(parsed_cache.CACHE_ENV, "  ")
    assert parsed_cache.cache_dir() is None
    monkeypatch.delenv(parsed_cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # the XDG rules: a relative path is ignored
    assert parsed_cache.cache_dir() == Path(os.path.expanduser("~")) / ".cache" / "assess"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert parsed_cache.cache_dir() == tmp_path / "assess"


def test_a_pipe_at_the_cache_path_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    calls: list[bytes] = []
    parsed_cache.parsed("t", b"k: v\n", _counting(calls))  # writes the file; then a pipe takes its place
    (kept,) = tmp_path.glob("t-*.json")
    kept.unlink()
    os.mkfifo(kept)
    assert parsed_cache.parsed("t", b"k: v\n", _counting(calls)) == {"k": "v"}


def test_a_kept_text_another_user_could_have_written_is_not_believed(tmp_path, monkeypatch):
    """Every word a user reads comes from messages.yaml's kept texts: in a directory others may
    write (a shared cache, chmod 777), one could rewrite 满分 as 不得分 with a fresh checksum line."""
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(shared))
    calls: list[bytes] = []
    parsed_cache.parsed("t", b"k: v\n", _counting(calls))
    (kept,) = shared.glob("t-*.json")
    for mode, parsed_again in ((0o777, True), (0o700, False)):
        os.chmod(shared, mode)
        before = len(calls)
        assert parsed_cache.parsed("t", b"k: v\n", _counting(calls)) == {"k": "v"}
        assert (len(calls) > before) is parsed_again


def written_in_order(paths: list, data: bytes) -> None:
    """Write `data` to each of `paths`, each one a second after the one before (the last written last)."""
    for n, path in enumerate(paths):
        path.write_bytes(data)
        os.utime(path, ns=(10**18 + n * 10**9, 10**18 + n * 10**9))


def _digest_name(n: int) -> str:
    return f"messages-{n:064x}.json"


def test_other_versions_are_pruned_when_a_new_one_is_kept(tmp_path, monkeypatch):
    # Every version of messages.yaml (every code change) left its parsed form behind for ever.
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    older = [tmp_path / _digest_name(n) for n in range(6)]
    written_in_order(older, b"{}")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    target = outside / "target.json"
    target.write_bytes(b"keep me")
    link = tmp_path / _digest_name(99)
    link.symlink_to(target)
    os.utime(link, ns=(1, 1), follow_symlinks=False)
    others = [tmp_path / "messages-notes.json", tmp_path / f"standard-{'0' * 16}-{'1' * 64}.pickle",
              tmp_path / f"messages-{'A' * 64}.json", tmp_path / f"t-{'2' * 64}.json"]
    for path in others:
        path.write_bytes(b"x")
        os.utime(path, ns=(1, 1))
    assert parsed_cache.parsed("messages", b"a: {zh: one}\n", yaml.safe_load) == {"a": {"zh": "one"}}
    (current,) = [p for p in tmp_path.glob("messages-*.json") if p.read_bytes().endswith(b'{"a":{"zh":"one"}}')]
    left = {p.name for p in tmp_path.iterdir()}
    kept_older = {p.name for p in older[-parsed_cache.KEPT_BESIDE:]}
    assert {p.name for p in older} & left == kept_older  # the three written last stay beside the new one
    assert current.name in left and link.name in left and target.read_bytes() == b"keep me"
    assert {p.name for p in others} <= left  # files of another kind or form are never touched
    # Read back (no new file written): nothing more is removed.
    assert parsed_cache.parsed("messages", b"a: {zh: one}\n", yaml.safe_load) == {"a": {"zh": "one"}}
    assert {p.name for p in tmp_path.iterdir()} == left


def test_pruning_leaves_another_users_files(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    for n in range(5):
        (tmp_path / _digest_name(n)).write_bytes(b"{}")
    mine = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: mine + 1)  # this process as another user: the files are not its own
    parsed_cache._prune(tmp_path / _digest_name(99), "messages")
    assert len(list(tmp_path.glob("messages-*.json"))) == 5
