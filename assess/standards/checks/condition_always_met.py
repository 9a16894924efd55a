"""A condition every value within the fields' declared bounds meets (`membership_rate >= 0%`, a veto
`when: incidents >= 0`): once its values are given it always holds, so the veto rules out every
union, the requirement or 申报条件 asks nothing. A warning: scores stay well defined.

The same reading of the declared bounds as condition-unmeetable, applied to the condition's negation."""
from __future__ import annotations

from assess.standards.checks.condition_unmeetable import hits

ID = "condition-always-met"
SEVERITY = "warning"


def check(standard, doc):
    return hits(standard, "always")
