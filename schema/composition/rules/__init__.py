"""Validation rules over the merged supergraph, one rule per module, run in this order.

Each rule reads the ``SupergraphState`` and yields errors and hints; none changes it. The
order is the order in which a reader wants to hear about problems: the shape of the graph
first (kinds, a query root), then fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from schema.composition.errors import CompositionError, CompositionHint
from schema.composition.merge.state import SupergraphState
from schema.composition.rules import (
    argument_types,
    default_values,
    directive_composition,
    enum_values,
    extensions,
    external_missing,
    external_types,
    field_sharing,
    field_types,
    inaccessible,
    interface_object_usage,
    list_size,
    query_root,
    required_arguments,
    satisfiability,
    type_kinds,
)

Finding = CompositionError | CompositionHint
Rule = Callable[[SupergraphState], Iterable[Finding]]

RULES: tuple[Rule, ...] = (
    query_root.check,
    type_kinds.check,
    extensions.check,
    external_missing.check,
    field_types.check,
    argument_types.check,
    required_arguments.check,
    default_values.check,
    enum_values.check,
    field_sharing.check,
    inaccessible.check,
    directive_composition.check,
    interface_object_usage.check,
    external_types.check,
    list_size.check,
)

LAST_RULES: tuple[Rule, ...] = (satisfiability.check,)
"""Rules that assume a sound graph, run only when ``RULES`` found no error (as the oracle's
selection-dependent rules are)."""


def validate_supergraph(
    state: SupergraphState, rules: Iterable[Rule] = RULES, last_rules: Iterable[Rule] = LAST_RULES
) -> tuple[list[CompositionError], list[CompositionHint]]:
    errors: list[CompositionError] = []
    hints: list[CompositionHint] = []
    for rule in rules:
        for finding in rule(state):
            if isinstance(finding, CompositionError):
                errors.append(finding)
            else:
                hints.append(finding)
    if not errors:
        for rule in last_rules:
            for finding in rule(state):
                if isinstance(finding, CompositionError):
                    errors.append(finding)
                else:
                    hints.append(finding)
    return errors, hints
