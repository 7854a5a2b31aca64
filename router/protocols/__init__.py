"""The wire protocols clients (and subgraphs) speak for subscriptions, one package each,
sans I/O: message types as data and state machines that turn what arrives into actions, so
the transports around them (WebSocket, SSE, multipart) stay thin and every rule is tested
without sockets."""
