// Test helper for the importer (specs only): a server on 127.0.0.1 that answers every request with a
// JSON schema (`{"type":"string"}`), for tests of what may (or must never) be fetched.
import * as http from 'http';
import type { AddressInfo } from 'net';

/**
 * Starts the server before the describe block's tests and closes it after them; `seen` gets each request.
 * Returns the port, read once the server listens.
 */
export function useSchemaServer(seen: (req: http.IncomingMessage) => void): { port: () => number } {
  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen(req);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":"string"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: () => port };
}
