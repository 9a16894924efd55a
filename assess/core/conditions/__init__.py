"""Condition strings used in standards: parse, evaluate, negate, export, describe.

Rule files are edited by policy staff, so conditions are data: they are parsed
here by a small hand-written tokenizer and recursive-descent parser into an
immutable AST, and never handed to eval/exec.

Evaluation uses Kleene three-valued logic: a missing or None field is unknown.

The parts, one module each: `nodes` (the syntax tree and errors), `parser` (text to nodes; the
grammar is in its docstring),
`logic` (fields, evaluation, negation, durable_rules form) and `words` (descriptions and the
canonical text). Everything public is re-exported here, so `conditions.parse(...)` reads as one
module.
"""

from __future__ import annotations

from assess.core.conditions.logic import comparisons, evaluate, fields, negate, to_durable, to_nnf
from assess.core.conditions.nodes import (FALSE, KEYWORDS, OPS, ORDERING_OPS, TRUE, And, Compare, ConditionError,
                                          ConditionTypeError, Literal, Node, Not, Or, Relation, all_of, any_of)
from assess.core.conditions.parser import MAX_NESTING, parse
from assess.core.conditions.words import describe, to_text

__all__ = [
    "MAX_NESTING",
    "OPS",
    "ORDERING_OPS",
    "KEYWORDS",
    "TRUE",
    "FALSE",
    "ConditionError",
    "ConditionTypeError",
    "Literal",
    "Compare",
    "Relation",
    "comparisons",
    "And",
    "Or",
    "Not",
    "Node",
    "parse",
    "fields",
    "evaluate",
    "negate",
    "to_nnf",
    "to_durable",
    "describe",
    "to_text",
    "all_of",
    "any_of",
]
