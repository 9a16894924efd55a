"""Input problems: what is wrong, in which file, at which field, on which line.

Every bad input ends as an `InputError` carrying `Problem`s; the CLI prints them and exits 2.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    path: str  # dotted field path, e.g. facts.members or sections[1].items[0].points
    message: str
    line: int | None = None
    column: int | None = None  # 1-based, where known
    cell: str | None = None  # in a workbook: the sheet and cell (基本信息!C3), shown instead of line:column

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.line is not None and self.column is not None:
            where += f":{self.column}"
        if self.cell is not None:
            where = f"{self.file}:{self.cell}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


@dataclass
class InputError(Exception):
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def grouped(problems: list[Problem]) -> list[tuple[str, list[Problem]]]:
    """Problems by file, files in the order first seen, each file's problems in their order: how
    they are reported, all of a file at once (a file with several is headed by their count)."""
    groups: dict[str, list[Problem]] = {}
    for p in problems:
        groups.setdefault(p.file, []).append(p)
    return list(groups.items())
