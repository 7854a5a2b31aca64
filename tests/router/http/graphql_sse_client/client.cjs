// Runs graphql-sse's client against the router: argv[2] the URL, argv[3] a JSON scenario
// {singleConnection, headers, operations: [{query, variables, take}]}. Prints one JSON line
// per thing the client reports: {op, next}, {op, complete}, {op, error: {status, body} | message}.
// An operation with `take` unsubscribes after that many results (the client going away).
const { createClient } = require("graphql-sse");

const url = process.argv[2];
const scenario = JSON.parse(process.argv[3]);
const client = createClient({
  url,
  singleConnection: Boolean(scenario.singleConnection),
  headers: scenario.headers || {},
  retryAttempts: 0,
});
const print = (row) => process.stdout.write(JSON.stringify(row) + "\n");

async function describe(error) {
  if (error && error.response) {
    let body = null;
    try {
      body = await error.response.text();
    } catch {
      body = null; // the client aborted the request, body and all
    }
    return { status: error.response.status, body };
  }
  return { message: String(error && error.message ? error.message : error) };
}

function run(op, { query, variables, take }) {
  return new Promise((resolve) => {
    let seen = 0;
    const unsubscribe = client.subscribe(
      { query, variables },
      {
        next(result) {
          print({ op, next: result });
          if (take && ++seen >= take) {
            unsubscribe();
            print({ op, unsubscribed: true });
            resolve();
          }
        },
        error(error) {
          describe(error).then((description) => {
            print({ op, error: description });
            resolve();
          });
        },
        complete() {
          print({ op, complete: true });
          resolve();
        },
      },
    );
  });
}

Promise.all(scenario.operations.map((operation, op) => run(op, operation)))
  .then(() => new Promise((resolve) => setTimeout(resolve, 200))) // let the DELETEs go out
  .then(() => client.dispose())
  .catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  });
