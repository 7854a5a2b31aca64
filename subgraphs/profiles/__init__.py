"""The profiles subgraph: display name, bio and avatar; extends identity's ``User``."""
