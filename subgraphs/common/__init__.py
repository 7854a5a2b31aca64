"""Code every subgraph shares: settings, database, auth context, errors, app and service runner.

A subgraph imports from here and never from another subgraph.
"""
