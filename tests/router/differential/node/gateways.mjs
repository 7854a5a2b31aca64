// The reference gateways of the differential test, in one process: Apollo Gateway and Hive
// Gateway each serve one supergraph at a time. Requests are JSON lines on stdin,
//   {"id": 1, "gateway": "apollo" | "hive", "supergraph": PATH, "query": ..., "variables": {...}}
// and each answer is one JSON line on stdout: {"id": 1, "body": {...}} or {"id": 1, "crash": "..."}.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { ApolloServer } from "@apollo/server";
import { ApolloGateway } from "@apollo/gateway";
import { createGatewayRuntime } from "@graphql-hive/gateway";

const loaded = { apollo: null, hive: null };

// Hive Gateway throws from detached promises on some plans: log it, keep serving (the request
// it belonged to ends with the timeout below).
process.on("uncaughtException", (error) => console.error("uncaught:", error));
process.on("unhandledRejection", (error) => console.error("unhandled:", error));

async function apollo(path) {
  if (loaded.apollo?.path === path) return loaded.apollo.server;
  if (loaded.apollo) await loaded.apollo.server.stop();
  const gateway = new ApolloGateway({ supergraphSdl: readFileSync(path, "utf8") });
  const server = new ApolloServer({ gateway, includeStacktraceInErrorResponses: false });
  await server.start();
  loaded.apollo = { path, server };
  return server;
}

async function hive(path) {
  if (loaded.hive?.path === path) return loaded.hive.runtime;
  if (loaded.hive) await loaded.hive.runtime[Symbol.asyncDispose]?.();
  const runtime = createGatewayRuntime({ supergraph: path, logging: false });
  loaded.hive = { path, runtime };
  return runtime;
}

async function answer(request) {
  const { query, variables } = request;
  if (request.gateway === "apollo") {
    const server = await apollo(request.supergraph);
    const response = await server.executeOperation({ query, variables });
    if (response.body.kind !== "single") throw new Error("incremental response");
    return response.body.singleResult;
  }
  const runtime = await hive(request.supergraph);
  const response = await runtime.fetch("http://localhost/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return await response.json();
}

const lines = createInterface({ input: process.stdin });
let queue = Promise.resolve();
lines.on("line", (line) => {
  queue = queue.then(async () => {
    const request = JSON.parse(line);
    let reply;
    try {
      // A gateway that never answers (some plans loop) must not stall the whole run.
      const timeout = new Promise((_, fail) =>
        setTimeout(() => fail(new Error("no answer in 15 s")), 15000).unref(),
      );
      reply = { id: request.id, body: await Promise.race([answer(request), timeout]) };
    } catch (error) {
      reply = { id: request.id, crash: String(error && error.stack ? error.stack : error) };
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
  });
});
lines.on("close", () => queue.then(() => process.exit(0)));
