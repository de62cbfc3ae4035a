// Node globals named by engine files that the canvas reaches through validateGraph (operator registry, connector
// registry): a source's yield, the system timer's handle type, the `${env:NAME}` secret lookup. None of that code
// runs when a graph is only validated (engine/src/graph/catalog.test.ts runs validateGraph and toCode without Node
// globals to prove it); these declarations only let the web typecheck include those files. Drop each one when the
// engine stops naming it on that path.
declare namespace NodeJS {
  type Timeout = ReturnType<typeof setTimeout>;
}
declare function setImmediate(callback: () => void): void;
declare const process: { env: Record<string, string | undefined> };
