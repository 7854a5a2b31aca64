// Apollo Gateway over a supergraph file, for the router benchmark:
//   node apollo-gateway.mjs SUPERGRAPH PORT   (SUBGRAPH_URL_<NAME> overrides a subgraph's URL)
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloGateway } from "@apollo/gateway";

const [supergraphPath, port] = process.argv.slice(2);
let supergraphSdl = readFileSync(supergraphPath, "utf8");
for (const [key, url] of Object.entries(process.env)) {
  if (!key.startsWith("SUBGRAPH_URL_")) continue;
  const name = key.slice("SUBGRAPH_URL_".length).toLowerCase();
  supergraphSdl = supergraphSdl.replace(
    new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*`),
    `$1${url}`,
  );
}
const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
await startStandaloneServer(server, { listen: { host: "127.0.0.1", port: Number(port) } });
console.log(`apollo gateway on ${port}`);
