// Runs graphql-http's server audit against the URL in argv[2]; prints the results as JSON.
const { auditServer } = require("graphql-http");

async function row(result) {
  let body = null;
  if (result.response) {
    try {
      body = await result.response.text();
    } catch {
      body = null; // the audit already read it
    }
  }
  return {
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.reason ?? null,
    httpStatus: result.response ? result.response.status : null,
    body,
  };
}

auditServer({ url: process.argv[2] })
  .then((results) => Promise.all(results.map(row)))
  .then(
    (rows) => process.stdout.write(JSON.stringify(rows)),
    (error) => {
      process.stderr.write(String(error && error.stack ? error.stack : error));
      process.exit(1);
    },
  );
