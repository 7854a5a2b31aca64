// Composes the subgraphs given as JSON on stdin with The Guild's composer (the oracle) and
// prints {supergraph, errors: [{code, message}]} as JSON.
const { composeServices } = require("@theguild/federation-composition");
const { parse } = require("graphql");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const subgraphs = JSON.parse(input);
  let result;
  try {
    const services = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
    result = composeServices(services);
  } catch (error) {
    result = { errors: [{ message: String(error.message), extensions: { code: "INVALID_GRAPHQL" } }] };
  }
  const errors = (result.errors || []).map((e) => ({
    code: (e.extensions && e.extensions.code) || "UNKNOWN",
    message: e.message,
  }));
  process.stdout.write(JSON.stringify({ supergraph: result.supergraphSdl || null, errors }));
});
