"""Generative differential test of the router against Apollo Gateway and Hive Gateway.

``generator`` (pure) makes valid random queries over a supergraph's API schema; ``runner``
sends them to our router and to both reference gateways over the public federation gateway
audit's subgraphs, and ``judge`` counts where ours differs from their consensus. Run it with
``python -m tests.router.differential --seed 1 --queries 30`` (see docs/federation-conformance.md);
it needs Node and is not part of the pytest run. ``test_generator.py`` tests the generator.
"""
