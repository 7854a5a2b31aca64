"""Runs a query plan against subgraphs and merges their results into one data tree.

The merged tree is keyed by the client's response keys (subgraph queries keep client aliases)
and also holds the keys the planner added; ``response.shape`` later projects it onto the
client's selection. Failed fetches never raise: they add an error and leave data missing,
which shaping turns into nulls that propagate as the spec says.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from contracts.internal_claims import Claims
from router.errors import SUBREQUEST_MALFORMED_RESPONSE, error_entry
from router.planning.operation import InlineFragment, Selection
from router.planning.plan import (
    KEY_ALIAS_PREFIX,
    BatchFetch,
    Fetch,
    Flatten,
    InputPrune,
    KeyField,
    Parallel,
    PlanNode,
    QueryPlan,
    Representation,
    Sequence,
    Subscription,
)
from router.transports.subgraph import SubgraphFetchError, SubgraphTransport
from router.transports.subscriptions import SubscriptionTransport

Path = list[str | int]


@dataclass
class ExecutionState:
    """The merged data and the errors gathered while a plan runs."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)


class PlanExecutor:
    """Walks plan nodes; all subgraph I/O goes through one ``SubgraphTransport`` (and one
    ``SubscriptionTransport`` for the streams subscriptions read)."""

    def __init__(
        self, transport: SubgraphTransport, subscriptions: SubscriptionTransport | None = None
    ) -> None:
        self.transport = transport
        self.subscriptions = subscriptions

    async def subscribe(
        self, plan: QueryPlan, variables: Mapping[str, Any], claims: Claims
    ) -> AsyncGenerator[ExecutionState, None]:
        """One state per event of a ``Subscription`` plan's primary stream, completed by the
        rest of the plan like a query's data (the same ``_run``). A stream the subgraph ends
        with a failure yields a last state holding the coded error."""
        node = plan.node
        assert isinstance(node, Subscription), "a subscription plan"
        if self.subscriptions is None:
            raise RuntimeError("this executor has no subscription transport")
        primary = node.primary
        stream = self.subscriptions.subscribe(primary.service, _body(primary, variables), claims)
        try:
            async for event in stream:
                state = ExecutionState()
                data = event.get("data")
                if isinstance(data, dict):
                    deep_merge(state.data, _renamed(data, dict(primary.renames)))
                state.errors.extend(_errors(event))
                if node.rest is not None and state.data:
                    await self._run(node.rest, state, variables, claims)
                yield state
        except SubgraphFetchError as exc:
            failed = ExecutionState()
            failed.errors.append(error_entry(exc.message, exc.code, service=exc.service))
            yield failed
        finally:
            await stream.aclose()

    async def execute(
        self,
        plan: QueryPlan,
        variables: Mapping[str, Any],
        claims: Claims,
    ) -> ExecutionState:
        state = ExecutionState()
        if plan.node is not None:
            await self._run(plan.node, state, variables, claims)
        return state

    async def _run(
        self,
        node: PlanNode,
        state: ExecutionState,
        variables: Mapping[str, Any],
        claims: Claims,
    ) -> None:
        match node:
            case Fetch():
                await self._root_fetch(node, state, variables, claims)
            case Flatten(path=path, node=fetch):
                await self._entity_fetch(path, fetch, state, variables, claims)
            case BatchFetch():
                await self._batch_fetch(node, state, variables, claims)
            case Sequence(nodes=nodes):
                for child in nodes:
                    await self._run(child, state, variables, claims)
            case Parallel(nodes=nodes):
                await asyncio.gather(*(self._run(n, state, variables, claims) for n in nodes))

    async def _root_fetch(
        self,
        fetch: Fetch,
        state: ExecutionState,
        variables: Mapping[str, Any],
        claims: Claims,
    ) -> None:
        body = _body(fetch, variables)
        response = await self._send(fetch.service, body, claims, state)
        if response is None:
            return
        data = response.get("data")
        if isinstance(data, dict):
            deep_merge(state.data, _renamed(data, dict(fetch.renames)))
        for error in _errors(response):
            state.errors.append(error)

    async def _entity_fetch(
        self,
        path: tuple[str, ...],
        fetch: Fetch,
        state: ExecutionState,
        variables: Mapping[str, Any],
        claims: Claims,
    ) -> None:
        batch = _EntityTargets.gather(state.data, (path,), fetch.representations)
        if not batch.representations:
            return
        body = _body(fetch, variables, {"representations": batch.representations})
        response = await self._send(fetch.service, body, claims, state)
        if response is not None:
            _merge_entities(fetch, response, {"_entities": batch}, state)

    async def _batch_fetch(
        self,
        fetch: BatchFetch,
        state: ExecutionState,
        variables: Mapping[str, Any],
        claims: Claims,
    ) -> None:
        targets = {
            b.alias: _EntityTargets.gather(state.data, b.paths, b.representations)
            for b in fetch.batches
        }
        if not any(t.representations for t in targets.values()):
            return
        extra = {b.variable: targets[b.alias].representations for b in fetch.batches}
        body = _body(fetch, variables, extra)
        response = await self._send(fetch.service, body, claims, state)
        if response is not None:
            _merge_entities(fetch, response, targets, state)

    async def _send(
        self,
        service: str,
        body: dict[str, Any],
        claims: Claims,
        state: ExecutionState,
    ) -> dict[str, Any] | None:
        try:
            return await self.transport.send(service, body, claims)
        except SubgraphFetchError as exc:
            state.errors.append(error_entry(exc.message, exc.code, service=service))
            return None


@dataclass
class _EntityTargets:
    """Deduplicated representations for one ``_entities`` field, and whose data each fills."""

    representations: list[dict[str, Any]] = field(default_factory=list)
    owners: list[list[tuple[dict[str, Any], Path]]] = field(default_factory=list)

    @classmethod
    def gather(
        cls,
        data: dict[str, Any],
        paths: tuple[tuple[str, ...], ...],
        representations: tuple[Representation, ...],
    ) -> _EntityTargets:
        targets = cls()
        seen: dict[bytes, int] = {}
        for path in paths:
            found: list[tuple[dict[str, Any], Path]] = []
            _collect(data, path, [], found)
            for obj, obj_path in found:
                representation = _representation(obj, representations)
                if representation is None:
                    continue
                identity = orjson.dumps(representation, option=orjson.OPT_SORT_KEYS)
                index = seen.get(identity)
                if index is None:
                    seen[identity] = index = len(targets.representations)
                    targets.representations.append(representation)
                    targets.owners.append([])
                targets.owners[index].append((obj, obj_path))
        return targets


def _merge_entities(
    fetch: Fetch | BatchFetch,
    response: Mapping[str, Any],
    targets: Mapping[str, _EntityTargets],
    state: ExecutionState,
) -> None:
    """Merge each ``_entities`` list (keyed by its response key) into the objects it is for."""
    service = fetch.service
    data = _renamed(response.get("data"), dict(fetch.renames))
    errors = _errors(response)
    for key, target in targets.items():
        if not target.representations:
            continue
        entities = data.get(key) if isinstance(data, dict) else None
        if not isinstance(entities, list) or len(entities) != len(target.representations):
            if not errors:
                state.errors.append(
                    error_entry(
                        f"Subgraph '{service}' returned a malformed _entities response.",
                        SUBREQUEST_MALFORMED_RESPONSE,
                        service=service,
                    )
                )
            continue
        for entity, objects in zip(entities, target.owners, strict=True):
            if isinstance(entity, dict):
                for obj, _ in objects:
                    deep_merge(obj, entity)
    for error in errors:
        state.errors.append(_relocate(error, targets))


def _body(
    fetch: Fetch | BatchFetch,
    variables: Mapping[str, Any],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    values = {name: variables[name] for name in fetch.variable_usages if name in variables}
    for name, prune in fetch.variable_prunes:
        if name in values:
            values[name] = _pruned(values[name], prune)
    if extra:
        values.update(extra)
    body: dict[str, Any] = {"query": fetch.operation}
    if values:
        body["variables"] = values
    return body


def _errors(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    errors = response.get("errors")
    if not isinstance(errors, list):
        return []
    return [e if isinstance(e, dict) else {"message": str(e)} for e in errors]


def _relocate(error: dict[str, Any], targets: Mapping[str, _EntityTargets]) -> dict[str, Any]:
    """Rewrite an ``_entities`` error path to the client path of the entity it concerns."""
    path = error.get("path")
    target = targets.get(path[0]) if isinstance(path, list) and path else None
    if target is not None and isinstance(path, list) and len(path) >= 2:
        index = path[1]
        if isinstance(index, int) and 0 <= index < len(target.owners) and target.owners[index]:
            return {**error, "path": target.owners[index][0][1] + path[2:]}
    relocated = dict(error)
    relocated.pop("path", None)
    return relocated


def _collect(
    value: Any,
    path: tuple[str, ...],
    current: Path,
    found: list[tuple[dict[str, Any], Path]],
) -> None:
    """Find the objects at ``path`` (``@`` means every list item), with their client paths."""
    if value is None:
        return
    if not path:
        if isinstance(value, dict):
            found.append((value, current))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                _collect(item, path, [*current, index], found)
        return
    head, rest = path[0], path[1:]
    if head == "@":
        if isinstance(value, list):
            for index, item in enumerate(value):
                _collect(item, rest, [*current, index], found)
        return
    if isinstance(value, dict):
        _collect(value.get(head), rest, [*current, head], found)


def _representation(
    obj: Mapping[str, Any], representations: tuple[Representation, ...]
) -> dict[str, Any] | None:
    """Build the ``_Any`` for ``obj``; None if its type is not fetched here or a key is null."""
    for representation in representations:
        if not representation.applies_to(obj.get("__typename")):
            continue
        fields = _pick(obj, representation.fields)
        if fields is None:
            return None
        required = _pick_required(obj, representation.requires)
        return {"__typename": representation.type_name, **fields, **required}
    return None


def _pick_required(obj: Mapping[str, Any], selections: tuple[Selection, ...]) -> dict[str, Any]:
    """The ``@requires`` fields of ``obj`` (nulls included), following type conditions."""
    picked: dict[str, Any] = {}
    for selection in selections:
        if isinstance(selection, InlineFragment):
            condition = selection.type_condition
            if condition is None or obj.get("__typename") == condition:
                deep_merge(picked, _pick_required(obj, selection.selections))
            continue
        value = obj.get(selection.response_key)
        if selection.selections and isinstance(value, dict):
            value = _required_object(value, selection.selections)
        elif selection.selections and isinstance(value, list):
            value = [
                _required_object(v, selection.selections) if isinstance(v, dict) else v
                for v in value
            ]
        # The same field may come from several joined field sets: merge, never overwrite.
        deep_merge(picked, {selection.name: value})
    return picked


def _required_object(obj: Mapping[str, Any], selections: tuple[Selection, ...]) -> dict[str, Any]:
    typename = obj.get("__typename")
    picked = _pick_required(obj, selections)
    return {"__typename": typename, **picked} if typename is not None else picked


def _pick(obj: Mapping[str, Any], fields: tuple[KeyField, ...]) -> dict[str, Any] | None:
    picked: dict[str, Any] = {}
    for key_field in fields:
        value = obj.get(f"{KEY_ALIAS_PREFIX}{key_field.name}", obj.get(key_field.name))
        if value is None:
            return None
        if key_field.selections:
            if isinstance(value, list):
                items = [
                    _pick(v, key_field.selections) if isinstance(v, dict) else v for v in value
                ]
                picked[key_field.name] = items
                continue
            if not isinstance(value, dict):
                return None
            inner = _pick(value, key_field.selections)
            if inner is None:
                return None
            value = inner
        picked[key_field.name] = value
    return picked


def _pruned(value: Any, prune: InputPrune) -> Any:
    """``value`` without the input fields the subgraph does not define."""
    if isinstance(value, list):
        return [_pruned(item, prune) for item in value]
    if not isinstance(value, dict):
        return value
    nested = dict(prune.nested)
    return {
        key: _pruned(item, nested[key]) if key in nested else item
        for key, item in value.items()
        if key not in prune.remove
    }


def _renamed(value: Any, renames: Mapping[str, str]) -> Any:
    """``value`` with the planner's aliases turned back into the client's response keys."""
    if not renames:
        return value
    if isinstance(value, dict):
        renamed: dict[str, Any] = {}
        for key, item in value.items():
            # An alias and its response key may both be here (fragments on one object).
            deep_merge(renamed, {renames.get(key, key): _renamed(item, renames)})
        return renamed
    if isinstance(value, list):
        return [_renamed(item, renames) for item in value]
    return value


def deep_merge(target: dict[str, Any], source: Mapping[str, Any]) -> None:
    """Merge ``source`` into ``target``: objects field by field, lists item by item."""
    for key, value in source.items():
        existing = target.get(key)
        if isinstance(existing, dict) and isinstance(value, dict):
            deep_merge(existing, value)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            for index, item in enumerate(value):
                if isinstance(existing[index], dict) and isinstance(item, dict):
                    deep_merge(existing[index], item)
                else:
                    existing[index] = item
        else:
            target[key] = value
