import { serve } from '@hono/node-server';
import type { Mastra } from '@mastra/core/mastra';
import { MastraServer } from '@mastra/hono';
import { Hono } from 'hono';

/** A real Mastra server (Hono adapter on @hono/node-server), bound to loopback. */
export interface RunningMastra {
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startMastraServer(mastra: Mastra): Promise<RunningMastra> {
  const app = new Hono();
  const server = new MastraServer({ app, mastra });
  await server.init();
  const http = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => (http.listening ? resolve() : http.once('listening', () => resolve())));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        if ('closeAllConnections' in http) http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
