"""Alembic environment of the chat database (see ``subgraphs.common.migrations``)."""

from subgraphs.chat.models import Base
from subgraphs.common.migrations import run_env

run_env(Base.metadata)
