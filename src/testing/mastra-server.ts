import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';

/**
 * The part of a `Mastra` instance this helper needs (structural, so the kit does not pin a
 * particular `@mastra/core` copy).
 */
export type MastraLike = object;

/** A real Mastra HTTP server (`@mastra/hono` on `@hono/node-server`) listening on loopback. */
export interface RunningMastraServer<M extends MastraLike = MastraLike> {
  readonly mastra: M;
  /** `http://127.0.0.1:<port>`; Mastra's routes live under `/api`. */
  readonly baseUrl: string;
  readonly port: number;
  /** Closes the listener and every open (keep-alive) connection. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartMastraServerOptions {
  /** Loopback address to bind. Default `127.0.0.1`; anything outside 127.0.0.0/8 is refused. */
  hostname?: string;
  /** Port to bind. Default `0`: a random free port. */
  port?: number;
  /** Adds routes after Mastra's own (static files, a webhook receiver, …) before the server listens. */
  configure?: (app: Hono) => void | Promise<void>;
}

/**
 * Serves your app's `Mastra` instance exactly as production does (`new MastraServer({ app, mastra })`
 * on a Hono app, `@hono/node-server`), on a random free loopback port, for request-level tests.
 * Needs `@mastra/hono`, `hono` and `@hono/node-server` installed (dev dependencies of your app).
 * Always `await server.stop()` (in `afterAll` or `finally`).
 */
export async function startMastraServer<M extends MastraLike>(mastra: M, options: StartMastraServerOptions = {}): Promise<RunningMastraServer<M>> {
  const hostname = options.hostname ?? '127.0.0.1';
  // Tests must never listen beyond this machine.
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)) {
    throw new Error(`startMastraServer: refusing to listen on '${hostname}'; use a 127.x.x.x address.`);
  }
  const [{ serve }, { MastraServer }, { Hono }] = await Promise.all([
    importPeer<typeof import('@hono/node-server')>('@hono/node-server'),
    importPeer<typeof import('@mastra/hono')>('@mastra/hono'),
    importPeer<typeof import('hono')>('hono'),
  ]);

  const app = new Hono();
  await new MastraServer({ app, mastra: mastra as never }).init();
  await options.configure?.(app);

  // `serve` is typed for HTTP/1 and HTTP/2; without TLS options it is a node:http server.
  const http = serve({ fetch: app.fetch, port: options.port ?? 0, hostname }) as Server;
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

async function importPeer<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw new Error(
      `startMastraServer needs ${name}: install it as a dev dependency (npm install -D @mastra/hono hono @hono/node-server).`,
      { cause: error },
    );
  }
}
