"""The GraphiQL page served at the GraphQL URL to browsers.

GraphiQL's assets load from a public CDN in the developer's browser; the router itself
fetches nothing. Queries and mutations go over HTTP; subscriptions over graphql-transport-ws
to the same URL, with the editor's ``Authorization`` header sent as the ``connection_init``
payload (a WebSocket carries no headers from the page).
"""

GRAPHIQL_HTML = r"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>GraphiQL · supergraph</title>
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@3.9.0/graphiql.min.css" />
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script crossorigin src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>
  <script crossorigin src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js">
  </script>
  <script crossorigin src="https://unpkg.com/graphiql@3.9.0/graphiql.min.js"></script>
  <script crossorigin src="https://unpkg.com/graphql-ws@5.16.2/umd/graphql-ws.min.js"></script>
  <script>
    const http = GraphiQL.createFetcher({ url: window.location.pathname });
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = scheme + location.host + location.pathname;
    const isSubscription = (params) => {
      const name = params.operationName;
      const pattern = name
        ? new RegExp("\\bsubscription\\s+" + name + "\\b")
        : /^\s*subscription\b/m;
      return pattern.test(params.query);
    };
    const fetcher = (params, options) => {
      if (!isSubscription(params)) return http(params, options);
      const headers = (options && options.headers) || {};
      const authorization = headers.authorization || headers.Authorization || "";
      const client = graphqlWs.createClient({ url: ws, connectionParams: { authorization } });
      return {
        subscribe(sink) {
          const stop = client.subscribe(params, {
            next: (value) => sink.next(value),
            error: (error) => sink.error(error),
            complete: () => sink.complete(),
          });
          return { unsubscribe() { stop(); client.dispose(); } };
        },
      };
    };
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true })
    );
  </script>
</body>
</html>
"""
