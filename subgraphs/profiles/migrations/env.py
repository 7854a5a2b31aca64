"""Alembic environment of the profiles database (see ``subgraphs.common.migrations``)."""

from subgraphs.common.migrations import run_env
from subgraphs.profiles.models import Base

run_env(Base.metadata)
