"""A validation rule: at most ``limit`` login/signUp fields in one mutation operation.

``mutation { a0: login(...) ... a299: login(...) }`` would otherwise try 300 passwords in
one request, past any per-request rate limit. Validation runs before execution, so a refused
operation checks no password at all. Counted as execution would run them: root fields by
response key (alias or name), through inline fragments and fragment spreads, so
``...F ...F`` counts F's fields once and aliases each count. ``@skip``/``@include`` are
ignored: a field that may run counts.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
)
from graphql.language import SKIP

from subgraphs.identity.errors import TooManyCredentialFields

CREDENTIAL_FIELDS = frozenset({"login", "signUp"})


def credential_fields_rule(limit: int) -> type[ValidationRule]:
    """The rule class for ``limit`` (graphql-core instantiates rules itself, per validation)."""
    if limit < 1:
        raise ValueError("at least one login/signUp field per operation must be allowed")

    class CredentialFieldsLimit(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> object:
            if node.operation is OperationType.MUTATION:
                keys: set[str] = set()
                self._collect(node.selection_set, keys, visited=set())
                if len(keys) > limit:
                    error = TooManyCredentialFields(
                        f"At most {limit} login or signUp field(s) per operation; "
                        f"this one has {len(keys)}."
                    )
                    self.report_error(GraphQLError(error.message, node, original_error=error))
            return SKIP  # only root selections matter; nothing deeper to visit

        def _collect(self, selections: SelectionSetNode, keys: set[str], visited: set[str]) -> None:
            for selection in selections.selections:
                if isinstance(selection, FieldNode):
                    if selection.name.value in CREDENTIAL_FIELDS:
                        keys.add((selection.alias or selection.name).value)
                elif isinstance(selection, InlineFragmentNode):
                    self._collect(selection.selection_set, keys, visited)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    if fragment is not None and name not in visited:  # cycles are invalid anyway
                        visited.add(name)
                        self._collect(fragment.selection_set, keys, visited)

    return CredentialFieldsLimit
