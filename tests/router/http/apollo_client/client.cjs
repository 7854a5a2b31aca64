// Apollo Client's multipart subscription support against the router: argv[2] the URL,
// argv[3] a JSON scenario {headers, query, variables, take}. Prints one JSON line per thing
// the client reports: {next: {data, error}}, {error}, {complete}; with `take`, it unsubscribes
// after that many results (the client going away).
const { ApolloClient, HttpLink, InMemoryCache, gql } = require("@apollo/client");

const url = process.argv[2];
const scenario = JSON.parse(process.argv[3]);
const client = new ApolloClient({
  link: new HttpLink({ uri: url, headers: scenario.headers || {} }),
  cache: new InMemoryCache(),
});
const print = (row) => process.stdout.write(JSON.stringify(row) + "\n");
const describe = (error) =>
  error ? { name: error.name, message: error.message, errors: error.errors || null } : null;

let seen = 0;
const subscription = client
  .subscribe({ query: gql(scenario.query), variables: scenario.variables })
  .subscribe({
    next(result) {
      print({ next: { data: result.data ?? null, error: describe(result.error) } });
      if (scenario.take && ++seen >= scenario.take) {
        subscription.unsubscribe();
        print({ unsubscribed: true });
        setTimeout(() => client.stop(), 200);
      }
    },
    error(error) {
      print({ error: describe(error) });
      client.stop();
    },
    complete() {
      print({ complete: true });
      client.stop();
    },
  });
