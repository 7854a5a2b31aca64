"""GraphQL over Server-Sent Events (enisdenjo/graphql-sse PROTOCOL.md): event formatting and
the single connection mode's reservations, without I/O."""
