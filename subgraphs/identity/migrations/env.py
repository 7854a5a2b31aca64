"""Alembic environment of the identity database (see ``subgraphs.common.migrations``)."""

from subgraphs.common.migrations import run_env
from subgraphs.identity.models import Base

run_env(Base.metadata)
