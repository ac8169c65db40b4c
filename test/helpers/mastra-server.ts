import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Mastra } from '@mastra/core/mastra';
import { MastraServer } from '@mastra/hono';
import { Hono } from 'hono';

/** A real Mastra HTTP server (`@mastra/hono` on `@hono/node-server`) listening on loopback. */
export interface RunningMastraServer {
  readonly mastra: Mastra;
  /** `http://127.0.0.1:<port>`; Mastra's routes live under `/api`. */
  readonly baseUrl: string;
  readonly port: number;
  /** Closes the listener and every open (keep-alive) connection. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartMastraServerOptions {
  /** Loopback address to bind. Default `127.0.0.1`. */
  hostname?: string;
}

/**
 * Serves `mastra` exactly as an app would (`new MastraServer({ app, mastra })` on a Hono app), on
 * a random free port. Always `await server.stop()` (afterAll / finally).
 */
export async function startMastraServer(mastra: Mastra, options: StartMastraServerOptions = {}): Promise<RunningMastraServer> {
  const hostname = options.hostname ?? '127.0.0.1';
  // Tests and the demo must never listen beyond this machine.
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)) {
    throw new Error(`startMastraServer: refusing to listen on '${hostname}'; use a 127.x.x.x address.`);
  }

  const app = new Hono();
  await new MastraServer({ app, mastra }).init();

  // `serve` is typed for HTTP/1 and HTTP/2; without TLS options it is a node:http server.
  const http = serve({ fetch: app.fetch, port: 0, hostname }) as Server;
  await new Promise<void>((resolve, reject) => {
    if (http.listening) return resolve();
    http.once('listening', resolve);
    http.once('error', reject);
  });
  const { port } = http.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  return {
    mastra,
    baseUrl: `http://${hostname}:${port}`,
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      return stopping;
    },
  };
}
