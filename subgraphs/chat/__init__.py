"""The chat subgraph: rooms, membership, messages and live room events; extends ``User``."""
