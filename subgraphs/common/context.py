"""The per-request Strawberry context of a subgraph: who calls, the database, the loaders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from strawberry.fastapi import BaseContext

from contracts.internal_claims import Claims
from subgraphs.common.database import Database

L = TypeVar("L")
S = TypeVar("S")


class SubgraphContext(BaseContext, Generic[S]):
    """What every resolver gets: verified claims, the database, loaders and services ``S``."""

    def __init__(self, *, claims: Claims, database: Database, services: S) -> None:
        super().__init__()
        self.claims = claims
        self.database = database
        self.services = services
        self._loaders: dict[Callable[[Any], Any], Any] = {}

    def loader(self, factory: Callable[[SubgraphContext[S]], L]) -> L:
        """The request's loader made by ``factory``, created on first use.

        Loaders cache for one request only, so requests never see each other's data, and
        they are created inside the running event loop (aiodataloader binds to it).
        """
        loader = self._loaders.get(factory)
        if loader is None:
            loader = self._loaders[factory] = factory(self)
        return loader

    def clear_loaders(self) -> None:
        """Forget every loader's cache: a subscription does this before each event, since
        its one context outlives many executions."""
        self._loaders.clear()
