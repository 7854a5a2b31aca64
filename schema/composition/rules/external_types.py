"""EXTERNAL_TYPE_MISMATCH: an ``@external`` declaration repeats the type of the field it
stands for; a different type would make ``@requires``/``@provides`` read values wrongly."""

from __future__ import annotations

from collections.abc import Iterator

from schema.composition.errors import CompositionError, ErrorCode
from schema.composition.merge.merge import is_federation_extension
from schema.composition.merge.state import SupergraphState
from schema.composition.rules.wording import and_list


def check(state: SupergraphState) -> Iterator[CompositionError]:
    for obj in state.objects.values():
        for field in obj.fields.values():
            if field.used_as_key:
                continue
            same: list[str] = []
            differing: dict[str, list[str]] = {}
            for graph, in_graph in field.by_graph.items():
                subgraph = state.subgraphs[graph]
                external = in_graph.external and (
                    not subgraph.is_fed1
                    or is_federation_extension(obj.by_graph[graph], subgraph.version)
                )
                name = state.graph_name(graph)
                if not external or in_graph.type == field.type:
                    same.append(name)
                else:
                    differing.setdefault(in_graph.type, []).append(name)
            if not differing or not same:
                continue
            groups = [f'type "{t}" in {_subgraphs(names)}' for t, names in differing.items()]
            yield CompositionError(
                ErrorCode.EXTERNAL_TYPE_MISMATCH,
                f'Type of field "{obj.name}.{field.name}" is incompatible across subgraphs (where'
                f' marked @external): it has type "{field.type}" in {_subgraphs(same)} but'
                f" {' and '.join(groups)}",
            )


def _subgraphs(names: list[str]) -> str:
    plural = "s" if len(names) > 1 else ""
    return f"subgraph{plural} {and_list(names, oxford_comma=True, quote=chr(34))}"
