"""The command's start (assess/core/startup.py): dataclass methods compiled once across runs are
the methods compiled each time, and a kept code file is believed only when it is whole and only
this user could have written it."""
from __future__ import annotations

import dataclasses
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from assess.core import parsed_cache, startup
from test_parsed_cache import written_in_order

ROOT = Path(__file__).resolve().parent.parent

_CLASSES = '''
from dataclasses import dataclass, field

@dataclass(frozen=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: tuple = field(default=(), compare=False)

@dataclass
class Box:
    items: list = field(default_factory=list)
    name: str = "box"
'''


def _classes(codes: startup._KeptCode | None) -> dict:
    namespace: dict = {"__name__": "made"}
    if codes is not None:
        dataclasses.exec = codes.exec
    try:
        exec(compile(_CLASSES, "made.py", "exec", dont_inherit=True), namespace)
    finally:
        if codes is not None:
            del dataclasses.exec
    return namespace


def _methods(cls) -> dict:
    return {name: getattr(cls, name).__code__ for name in ("__init__", "__repr__", "__eq__")}


def test_dataclass_methods_from_kept_code_are_the_methods_compiled_each_time(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    plain = _classes(None)
    first = startup._KeptCode.opened()
    made = _classes(first)
    assert first.compiled > 0 and first.known == {}
    first.close()
    again = startup._KeptCode.opened()
    remade = _classes(again)
    assert again.compiled == 0 and set(again.used) <= set(again.known)  # nothing compiled: all kept
    for ns in (made, remade):
        for name in ("Point", "Box"):
            assert _methods(ns[name]) == _methods(plain[name])
        p, q = ns["Point"](1, 2, ("a",)), ns["Point"](1, 2)
        assert (repr(p), p == q, p < ns["Point"](2), hash(p) == hash(q)) == \
            ("Point(x=1, y=2, tags=('a',))", True, True, True)
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.x = 3
        assert ns["Box"]().items == [] and ns["Box"]().items is not ns["Box"]().items
    assert "exec" not in vars(dataclasses)


def test_a_damaged_or_foreign_code_file_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    codes = startup._KeptCode.opened()
    _classes(codes)
    codes.close()
    path = codes.path
    assert len(startup._KeptCode.opened().known) > 0
    whole = path.read_bytes()
    for damaged in (b"", whole[:1000], whole[:-1] + b"x"):
        path.write_bytes(damaged)
        assert startup._KeptCode.opened().known == {}
    import hashlib
    import marshal
    for foreign in (marshal.dumps([1, 2]), marshal.dumps({"a": "not code"}), b"\x00not marshal"):
        path.write_bytes(hashlib.sha256(foreign).hexdigest().encode() + b"\n" + foreign)
        assert startup._KeptCode.opened().known == {}


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners only")
def test_a_code_file_others_may_write_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path / "cache"))
    codes = startup._KeptCode.opened()
    _classes(codes)
    codes.close()
    path = codes.path
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # made private
    assert startup._KeptCode.opened().known
    path.chmod(0o666)
    assert startup._KeptCode.opened().known == {}
    path.chmod(0o600)
    path.parent.chmod(0o777)
    try:
        assert startup._KeptCode.opened().known == {}
    finally:
        path.parent.chmod(0o700)
    assert startup._KeptCode.opened().known


def _score(cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, parsed_cache.CACHE_ENV: str(cache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run([sys.executable, "-m", "assess", "score", "fixtures/tanglang-community.yaml"], cwd=ROOT,
                          capture_output=True, text=True, env=env, check=True)


def test_the_command_keeps_its_code_once_and_scores_the_same_from_it(tmp_path):
    first = _score(tmp_path)
    (code,) = tmp_path.glob("code-*.marshal")
    written = code.stat().st_mtime_ns
    assert _score(tmp_path).stdout == first.stdout
    assert code.stat().st_mtime_ns == written  # nothing new compiled: not written again
    code.write_bytes(b"damaged")
    assert _score(tmp_path).stdout == first.stdout
    assert startup._read_code(parsed_cache.read_checked(code, private=True))  # written whole again


def _code_name(n: int) -> str:
    return f"code-{n:032x}.marshal"


def test_code_files_of_other_pythons_are_pruned_to_the_few_written_last(tmp_path, monkeypatch):
    # Each Python (and each code format) wrote its code-*.marshal, and none was ever removed.
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    older = [tmp_path / _code_name(n) for n in range(7)]
    written_in_order(older, b"old")  # the 7th written last
    target = tmp_path / "elsewhere.txt"
    target.write_bytes(b"keep me")
    link = tmp_path / _code_name(99)
    link.symlink_to(target)
    others = [tmp_path / "code-notes.marshal", tmp_path / f"code-{'A' * 32}.marshal",
              tmp_path / f"code-{'1' * 31}.marshal", tmp_path / f"code-{'2' * 32}aBcD.tmp", tmp_path / f"messages-{'3' * 64}.json"]
    for path in others:
        path.write_bytes(b"x")
        os.utime(path, ns=(1, 1))
    codes = startup._KeptCode.opened()
    _classes(codes)
    codes.close()
    left = {p.name for p in tmp_path.iterdir()}
    assert codes.path.name in left and startup._read_code(parsed_cache.read_checked(codes.path, private=True))
    assert {p.name for p in older} & left == {p.name for p in older[-parsed_cache.KEPT_BESIDE:]}
    assert link.name in left and target.read_bytes() == b"keep me"  # a link is never removed nor followed
    assert {p.name for p in others} <= left  # files of another kind or form are never touched
    # Nothing new compiled: nothing written, nothing more removed.
    again = startup._KeptCode.opened()
    _classes(again)
    again.close()
    assert {p.name for p in tmp_path.iterdir()} == left


def test_pruning_code_files_another_process_removes_first_is_passed_over(tmp_path, monkeypatch):
    """Several commands share the cache: a file another one pruned between listing and removing is
    no failure, and the rest are still pruned."""
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    for n in range(6):
        path = tmp_path / _code_name(n)
        path.write_bytes(b"old")
        os.utime(path, ns=(10**18 + n * 10**9, 10**18 + n * 10**9))
    unlink = os.unlink

    def raced(path, *args, **kwargs):
        unlink(path)  # the other process was first
        raise FileNotFoundError(path)

    monkeypatch.setattr(os, "unlink", raced)
    codes = startup._KeptCode.opened()
    _classes(codes)
    codes.close()
    monkeypatch.undo()
    left = sorted(p.name for p in tmp_path.glob("code-*.marshal"))
    assert left == sorted([codes.path.name] + [_code_name(n) for n in (3, 4, 5)])


def test_code_files_of_another_user_are_left(tmp_path, monkeypatch):
    monkeypatch.setenv(parsed_cache.CACHE_ENV, str(tmp_path))
    for n in range(6):
        (tmp_path / _code_name(n)).write_bytes(b"old")
    mine = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: mine + 1)  # the files are not this process's own
    parsed_cache.prune_beside(tmp_path / _code_name(99), startup._is_code_file)
    assert len(list(tmp_path.glob("code-*.marshal"))) == 6
