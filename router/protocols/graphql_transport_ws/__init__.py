"""The graphql-transport-ws protocol (graphql-ws's PROTOCOL.md): messages and the server's
state machine."""
