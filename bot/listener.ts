/**
 * The HTTP listener of `tally start`, bound before the runtime is built: a taken port fails in a
 * second with one line naming PORT (not after seeding, not as a stack), and the real port is known
 * before anything builds a link. Until the app is mounted every request gets 503 (not ready yet).
 * `drain` stops new connections and waits for the requests in flight, up to a limit.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export class PortInUseError extends Error {
  readonly code = 'tally_port_in_use';
}

/** The one line a taken port gets. */
export function portInUse(what: string, port: number, variable: string): string {
  return `${what} port ${port} is taken by another program: set ${variable} to a free port (e.g. ${variable}=${port + 1}).`;
}

export interface Listener {
  server: Server;
  port: number;
  mount(handler: Handler): void;
  /** Requests being served now. */
  inFlight(): number;
  /** Stops accepting connections; resolves when no request is in flight, or after `limitMs`. */
  drain(limitMs: number): Promise<boolean>;
}

export async function openListener(port: number, host: string): Promise<Listener> {
  let handler: Handler | undefined;
  let active = 0;
  const server = createServer((req, res) => {
    active++;
    res.once('close', () => active--);
    if (handler) return handler(req, res);
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' });
    res.end('{"status":"starting"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(portInUse('HTTP', port, 'PORT')) : error),
    );
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as { port: number }).port,
    mount: (next) => {
      handler = next;
    },
    inFlight: () => active,
    async drain(limitMs) {
      server.close();
      server.closeIdleConnections();
      const deadline = Date.now() + limitMs;
      while (active > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      server.closeAllConnections();
      return active === 0;
    },
  };
}
