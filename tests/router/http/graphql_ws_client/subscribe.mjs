// Runs one operation with graphql-ws's own client and prints what it sees, one JSON per line:
// {"next": result}, {"complete": true}, {"error": ...} and {"closed": {code, reason}}.
// usage: node subscribe.mjs URL CONNECTION_PARAMS_JSON QUERY VARIABLES_JSON MAX_EVENTS
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, params, query, variables, maxEvents] = process.argv.slice(2);
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: JSON.parse(params),
  retryAttempts: 0,
  on: { closed: (event) => print({ closed: { code: event.code, reason: event.reason } }) },
});
let seen = 0;
const stop = client.subscribe(
  { query, variables: JSON.parse(variables) },
  {
    next: (result) => {
      print({ next: result });
      seen += 1;
      if (seen >= Number(maxEvents)) {
        stop();
        client.dispose();
      }
    },
    error: (error) => {
      print({ error: Array.isArray(error) ? error : { code: error?.code, reason: error?.reason } });
      client.dispose();
    },
    complete: () => {
      print({ complete: true });
      client.dispose();
    },
  },
);
