"""What the router, composition and the subgraphs must agree on, and nothing else.

The internal claims header (``internal_claims``), the API schema of a supergraph and the
spec constants behind it (``api_schema``), the persisted query manifest (``persisted``) and
the registry of services (``services``). It imports none of our other packages, so any of
them can depend on it without depending on the router (tests/test_import_rules.py).
"""
