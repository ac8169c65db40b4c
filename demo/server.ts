import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Mastra } from '@mastra/core/mastra';
import type { ApiRoute, MastraAuthProvider } from '@mastra/core/server';
import { MastraServer } from '@mastra/hono';
import { Hono } from 'hono';
import type { MastraFGAWorkos, WorkOSUser } from '../src';
import { vaultAgent, weatherAgent } from './weather-agent';

export interface DemoServer {
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * A real Mastra server with `server.auth` set to the given provider, served by `@mastra/hono` on
 * `@hono/node-server`, on 127.0.0.1 and a random free port. A second agent (`vaultAgent`) is
 * served so the FGA step can show one request allowed and another denied.
 */
export async function startDemoServer(
  auth: MastraAuthProvider<WorkOSUser>,
  fga?: MastraFGAWorkos,
  apiRoutes?: ApiRoute[],
): Promise<DemoServer> {
  // `logger: false` keeps Mastra's own logs out of the report.
  const mastra = new Mastra({
    agents: { weatherAgent, vaultAgent },
    server: { auth, ...(fga && { fga }), ...(apiRoutes && { apiRoutes }) },
    logger: false,
  });

  const app = new Hono();
  await new MastraServer({ app, mastra }).init();
  const http = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve, reject) => {
    if (http.listening) return resolve();
    http.once('listening', resolve);
    http.once('error', reject);
  });
  const { port } = http.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections(); // MastraClient keeps connections alive
      }),
  };
}
