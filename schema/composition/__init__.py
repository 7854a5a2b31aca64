"""Federation 2 composition in Python: subgraph SDLs in, a standard supergraph SDL out.

The supergraph uses the join spec the way Apollo's and The Guild's composers write it, so any
Federation 2 router can serve it. Problems come back as values with Apollo's error codes.

    compose(subgraphs) -> CompositionResult
    await compose_from_config(config, internal_secret=...) -> CompositionResult
"""

from __future__ import annotations

from schema.composition.errors import CompositionError, CompositionHint, ErrorCode, HintCode
from schema.composition.fetch import compose_from_config, load_subgraph_sources
from schema.composition.pipeline import CompositionResult, SubgraphSource, compose

__all__ = [
    "CompositionError",
    "CompositionHint",
    "CompositionResult",
    "ErrorCode",
    "HintCode",
    "SubgraphSource",
    "compose",
    "compose_from_config",
    "load_subgraph_sources",
]
