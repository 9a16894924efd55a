"""Bad input as the API answers it: status 422 (or the status given) and every problem the CLI
would print, each as {"file", "path", "line", "column", "cell", "expected", "message"}:
`expected` is what was expected (the problem's own text), `message` the whole line the CLI prints
(`FILE:LINE: field.path: what was expected`)."""
from __future__ import annotations

from typing import Any

from starlette.responses import Response

from assess.core.jsonout import json_bytes
from assess.core.problems import InputError, Problem

JSON_TYPE = "application/json; charset=utf-8"


def problem_data(problem: Problem) -> dict[str, Any]:
    """One problem as JSON-ready data."""
    return {"file": problem.file, "path": problem.path, "line": problem.line, "column": problem.column,
            "cell": problem.cell, "expected": problem.message, "message": str(problem)}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """`data` as deterministic JSON (sorted keys, Chinese kept as it is)."""
    return Response(json_bytes(data), status_code=status, media_type=JSON_TYPE, headers=headers)


def problems_response(err: InputError, status: int = 422) -> Response:
    """Every problem of `err`, in order."""
    return json_response({"error": "invalid_input", "problems": [problem_data(p) for p in err.problems]}, status)


def one_problem(text: str, status: int, file: str = "<request>", path: str = "", error: str = "invalid_input") -> Response:
    """A single problem (a body too large, a missing token ...) in the same shape."""
    return json_response({"error": error, "problems": [problem_data(Problem(file, path, text))]}, status)
