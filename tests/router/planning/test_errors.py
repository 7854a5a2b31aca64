"""Operations that are valid against the API schema but that no subgraph combination answers."""

from __future__ import annotations

import pytest

from router.errors import PlanningError
from tests.router.planning.harness import plan_text


def test_a_field_no_key_can_reach_is_refused_not_dropped() -> None:
    with pytest.raises(PlanningError, match=r"Orphan\.secret"):
        plan_text("accounts", "{ orphan { name secret } }")


def test_a_field_only_a_non_resolvable_interface_object_has_is_refused() -> None:
    with pytest.raises(PlanningError, match=r"\.stars: no subgraph"):
        plan_text("media_partial", "{ materials { stars } }")
