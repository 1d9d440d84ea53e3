"""How every benchmark reports a missed target: one line starting "TARGET MISSED:", which CI's summary at the
end of its log collects, so that no miss is lost among the figures."""

from __future__ import annotations

import operator

_MEETS = {"<": operator.lt, "<=": operator.le, ">=": operator.ge}


def check_target(what: str, figure: float, limit: str, target: float, unit: str = "") -> bool:
    """Whether figure meets the target (limit is "<", "<=" or ">="); prints the TARGET MISSED line if not."""
    met = _MEETS[limit](figure, target)
    if not met:
        print(f"TARGET MISSED: {what} is {figure:.4g}{unit} (target {limit} {target:g}{unit})")
    return met
