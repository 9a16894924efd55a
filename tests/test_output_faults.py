"""Writing outputs: a full disk, a file size limit, an unwritable directory or a closed pipe is said
(the file or standard output named, the reason in words, exit 2; a closed pipe quietly, 141),
never a traceback or exit 0 over a cut-off file; `--resume` carries a batch on after a failed
write; and no output option may name one of the command's inputs."""
from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from assess.cli import main
from assess.core.problems import InputError
from assess.core.writing import CannotWrite, refuse_inputs_as_outputs, writing

ROOT = Path(__file__).resolve().parent.parent

FIXTURE = ROOT / "fixtures" / "tanglang-community.yaml"
STANDARD = "bahao-community"
LINUX = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE with SIGXFSZ ignored, and /dev/full, as Linux has them")


def _limit(size: int):
    """preexec_fn: files of this process and its children stop at `size` bytes (EFBIG, no signal)."""
    def set_limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return set_limit


def _assess(args: list[str], cwd: Path, *, limit: int | None = None, stdout=subprocess.PIPE, unbuffered: bool = True):
    env = dict(os.environ, PYTHONPATH=str(ROOT), ASSESS_LANG="zh")
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"  # where Python alone cut the output short and exited 0
    return subprocess.run([sys.executable, "-m", "assess", *args], cwd=cwd, env=env, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=300, preexec_fn=_limit(limit) if limit else None)


def _clean(stderr: bytes) -> str:
    text = stderr.decode("utf-8")
    assert "Traceback" not in text and "Exception ignored" not in text, text
    return text


# ---- standard output ------------------------------------------------------------------------------


@LINUX
@pytest.mark.parametrize("unbuffered", [True, False])
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_stdout_past_the_file_size_limit_exits_2_saying_so(tmp_path, fmt, unbuffered):
    out = tmp_path / "out.txt"
    with open(out, "wb") as fh:
        done = _assess(["score", str(FIXTURE), "--format", fmt], tmp_path, limit=8192, stdout=fh, unbuffered=unbuffered)
    text = _clean(done.stderr)
    assert done.returncode == 2, text
    assert "标准输出" in text and "文件超过系统允许的大小" in text and "不完整" in text
    assert out.stat().st_size == 8192  # the cut-off file is there, and said to be incomplete


@LINUX
def test_stdout_to_a_full_disk_exits_2_in_the_user_s_language(tmp_path):
    with open("/dev/full", "wb") as full:
        zh = _assess(["score", str(FIXTURE)], tmp_path, stdout=full)
        en = _assess(["--lang", "en", "score", str(FIXTURE)], tmp_path, stdout=full)
    assert zh.returncode == en.returncode == 2
    assert "磁盘空间不足" in _clean(zh.stderr)
    assert "no space left on the disk" in _clean(en.stderr)


@pytest.mark.parametrize("unbuffered", [True, False])
def test_a_closed_pipe_ends_quietly_with_141(tmp_path, unbuffered):
    records = []
    for i in range(30):  # far more than a pipe holds
        records.append(tmp_path / f"r{i}.yaml")
        shutil.copy(FIXTURE, records[-1])
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen([sys.executable, "-m", "assess", "score", *map(str, records)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert first.strip()
    assert proc.returncode == 141 and err == b"", err.decode()


# ---- files ----------------------------------------------------------------------------------------


@LINUX
@pytest.mark.parametrize("args, name", [
    (["score", str(FIXTURE), "--out", "s.txt"], "s.txt"),
    (["score", str(FIXTURE), "--format", "xlsx", "--out", "s.xlsx"], "s.xlsx"),
    (["template", STANDARD, "--roster", "r.xlsx"], "r.xlsx"),
    (["template", STANDARD, "--xlsx", "t.xlsx"], "t.xlsx"),
    (["inspect", str(FIXTURE), "--xlsx", "i.xlsx"], "i.xlsx"),
    (["export", STANDARD, "--xlsx", "e.xlsx"], "e.xlsx"),
    (["schema", "evidence", "--standard", STANDARD, "--out", "s.json"], "s.json"),
])
def test_an_output_file_past_the_limit_is_named_with_the_reason(tmp_path, args, name):
    # openpyxl writes temporary files first: the limit stops it there, before the file is opened
    done = _assess(args, tmp_path, limit=4096)
    text = _clean(done.stderr)
    assert done.returncode == 2, text
    assert f"{name}: " in text and "无法写入: 文件超过系统允许的大小" in text


@LINUX
def test_an_output_file_on_a_full_disk_is_named(tmp_path):
    done = _assess(["score", str(FIXTURE), "--out", "/dev/full"], tmp_path)
    assert done.returncode == 2
    assert "/dev/full: --out: 无法写入: 磁盘空间不足" in _clean(done.stderr)


def _records(path: Path, n: int) -> str:
    """`n` copies of the fixture as JSON Lines, each union its own id. (Not benchmarks/synthetic.py:
    its records, run with --jobs 1, leave a checkpoint --resume refuses, failure or not.)"""
    record = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            record["union"]["id"] = f"u{i:04d}"
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
    return str(path)


@LINUX
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_stopped_by_a_full_disk_resumes_to_the_same_output(tmp_path, jobs):
    records = _records(tmp_path / "r.jsonl", 300)
    whole = tmp_path / "whole.jsonl"
    assert _assess(["batch", records, "--standard", STANDARD, "--out", str(whole)], tmp_path).returncode == 0
    out = tmp_path / "out.jsonl"
    args = ["batch", records, "--standard", STANDARD, "--out", str(out), "--jobs", jobs]
    stopped = _assess(args, tmp_path, limit=whole.stat().st_size * 6 // 10)
    text = _clean(stopped.stderr)
    assert stopped.returncode == 2, text
    assert f"{out}: 无法写入: 文件超过系统允许的大小" in text and "--resume" in text
    checkpoint = (tmp_path / "out.jsonl.done").read_text(encoding="utf-8")
    assert '"complete": false' in checkpoint and '"done": 0,' not in checkpoint
    resumed = _assess([*args, "--resume"], tmp_path)
    assert resumed.returncode == 0, resumed.stderr.decode()
    assert out.read_bytes() == whole.read_bytes()


@LINUX
def test_batch_refuses_a_device_as_its_output_before_writing_anything(tmp_path):
    beside = [Path("/dev/full.done"), Path("/dev/full.errors.jsonl")]
    there = [p.exists() for p in beside]
    done = _assess(["batch", str(FIXTURE), "--standard", STANDARD, "--out", "/dev/full", "--jobs", "1"], tmp_path)
    assert done.returncode == 2
    assert "/dev/full: --out: 不是普通文件" in _clean(done.stderr)
    assert [p.exists() for p in beside] == there


def test_batch_names_the_errors_file_it_cannot_write(tmp_path):
    locked = tmp_path / "ro"
    locked.mkdir()
    if os.geteuid() == 0:
        if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(locked)]).returncode != 0:
            pytest.skip("running as root, and chattr +i (the only way to refuse root a directory) is not available")
    else:
        locked.chmod(0o555)
    try:
        result = CliRunner().invoke(main, ["batch", str(FIXTURE), "--standard", STANDARD, "--out",
                                           str(tmp_path / "o.csv"), "--errors", str(locked / "e.jsonl")])
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(locked)])
        else:
            locked.chmod(0o755)
    assert result.exit_code == 2
    assert f"{locked / 'e.jsonl'}: 无法写入: 没有权限" in result.output
    assert "o.csv: 无法写入" not in result.output


def test_writing_turns_any_os_error_into_one_naming_the_file():
    with pytest.raises(CannotWrite) as err, writing("out.csv", "--out"):
        raise OSError(errno.ENOSPC, "No space left on device")
    assert str(err.value) == "out.csv: --out: 无法写入: 磁盘空间不足"
    with pytest.raises(InputError) as passed, writing("out.csv"):
        raise InputError([])
    assert not isinstance(passed.value, CannotWrite)


# ---- an output that is an input -------------------------------------------------------------------


def _invoke(tmp_path: Path, *args: str):
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(here)


@pytest.fixture()
def work(tmp_path):
    shutil.copy(FIXTURE, tmp_path / "self.yaml")
    os.symlink("self.yaml", tmp_path / "link.yaml")
    assert _invoke(tmp_path, "inspect", "self.yaml", "--out", "insp.yaml").exit_code == 0
    assert _invoke(tmp_path, "batch", "self.yaml", "--standard", STANDARD, "--out", "b.jsonl").exit_code == 0
    shutil.copy(ROOT / "rulesets" / "bahao-community.yaml", tmp_path / "std.yaml")
    return tmp_path


@pytest.mark.parametrize("args, victim, option", [
    (["score", "self.yaml", "--out", "self.yaml"], "self.yaml", "--out"),
    (["score", "./self.yaml", "--out", "link.yaml"], "self.yaml", "--out"),
    (["score", "self.yaml", "--inspection", "insp.yaml", "--out", "insp.yaml"], "insp.yaml", "--out"),
    (["score", "self.yaml", "--standard", "std.yaml", "--out", "std.yaml"], "std.yaml", "--out"),
    (["inspect", "self.yaml", "--out", "self.yaml", "--force"], "self.yaml", "--out"),
    (["template", STANDARD, "--from", "self.yaml", "--xlsx", "self.yaml", "--force"], "self.yaml", "--xlsx"),
    (["report", "--from", "b.jsonl", "--html", "b.jsonl"], "b.jsonl", "--html"),
    (["report", "--from", "b.jsonl", "--list", "b.jsonl"], "b.jsonl", "--list"),
    (["schema", "evidence", "--standard", "std.yaml", "--out", "std.yaml"], "std.yaml", "--out"),
    (["export", "std.yaml", "--xlsx", "std.yaml"], "std.yaml", "--xlsx"),
    (["import", "std.yaml", "--into", "std.yaml", "--yes"], "std.yaml", "--into"),
])
def test_an_output_naming_an_input_is_refused_before_anything_is_written(work, args, victim, option):
    before = (work / victim).read_bytes()
    result = _invoke(work, *args)
    assert result.exit_code == 2, result.output
    assert f": {option}: 该文件既是输入又是输出" in result.output
    assert (work / victim).read_bytes() == before


def test_two_outputs_naming_one_file_are_refused(work):
    result = _invoke(work, "report", "--from", "b.jsonl", "--html", "r.out", "--list", "./r.out")
    assert result.exit_code == 2 and "./r.out: --list: 与 --html 是同一个文件" in result.output
    result = _invoke(work, "batch", "self.yaml", "--standard", STANDARD, "--out", "o.jsonl", "--errors", "o.jsonl")
    assert result.exit_code == 2 and "o.jsonl: --errors: 与 --out 是同一个文件" in result.output


def test_refusing_skips_options_not_given_and_inputs_that_are_no_files(tmp_path):
    refuse_inputs_as_outputs({"--out": str(tmp_path / "o.txt"), "--html": None}, [None, STANDARD, str(tmp_path / "x")])
