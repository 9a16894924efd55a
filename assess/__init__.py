"""assess: score trade unions against standardisation standards and explain every decision.

Library use::

    from assess import resolve_standard, load_evidence, score
    card = score(resolve_standard("bahao-community"), load_evidence("fixtures/liulian-community.yaml"))
"""
from assess.standards.catalog import builtin_standards, resolve_standard
from assess.model.evidence import load_evidence
from assess.core.problems import InputError, Problem
from assess.present.scorecard import assess, score

__all__ = ["assess", "builtin_standards", "load_evidence", "resolve_standard", "score", "InputError", "Problem"]
from assess.core import __version__
