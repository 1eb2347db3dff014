// What every fake server shares: a real HTTP server on 127.0.0.1 at a free port, its body
// reading, its JSON answers, and a stop that does not wait for the clients' keep-alive sockets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fake's server, listening. */
export interface LocalServer {
  server: Server;
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  origin: string;
}

/** Starts a server for `handle` on 127.0.0.1 at a port the system picks. */
export async function listenLocal(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<LocalServer> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Cuts every open connection (a long poll in flight included) and waits until the server is closed. */
export async function closeLocal(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The whole request body. */
export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Answers `body` as JSON; nothing when the client has gone. */
export function replyJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Long polls held open by a fake until an update is queued, their deadline passes, or the fake stops. */
export class LongPolls {
  private waiting: (() => void)[] = [];

  /** Resolves at `deadline` (ms since epoch) or at the next `wakeAll`, whichever comes first. */
  wait(deadline: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Answers every poll waiting now. */
  wakeAll(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}
