"""Events between services: topics, schemas, and the Kafka helpers every service uses.

Import from the modules (``events.envelope``, ``events.outbox``, ``events.relay``,
``events.consumer``, ``events.inbox``, ``events.dead_letters``, ``events.producer``,
``events.settings``); this package imports none of them, so reading ``events.topics`` (as
``supergraph check`` and deployment jobs do) does not load aiokafka or SQLAlchemy. It imports
nothing from router, subgraphs, schema or supergraph (tests/test_import_rules.py).
"""
