"""The identity subgraph: accounts, password login, JWT access and refresh tokens, JWKS."""
