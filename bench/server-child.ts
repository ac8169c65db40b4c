/**
 * Child process of the throughput benchmark: three real Mastra servers (`@mastra/hono` on
 * `@hono/node-server`, 127.0.0.1, random ports), identical except for `server.auth`: our
 * `MastraAuthWorkos`, a provider that only compares the token with a constant (the cost of
 * Mastra's auth middleware itself), and none. Running them apart from the load generator gives
 * the servers their own core. Talks to the parent over IPC (see `ServerChildMessage`).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Agent } from '@mastra/core/agent';
import { noopLogger } from '@mastra/core/logger';
import { Mastra } from '@mastra/core/mastra';
import { MastraAuthProvider } from '@mastra/core/server';
import { createMockModel } from '@mastra/core/test-utils/llm-mock';
import { MastraServer } from '@mastra/hono';
import { Hono } from 'hono';
import { MastraAuthWorkos, type MastraAuthWorkosStats, type WorkOSUser } from '../src';
import type { WorkOSEmulatorConnection } from '../src/testing';

export type ServerParentMessage =
  | { type: 'start'; connection: WorkOSEmulatorConnection; fixedToken: string }
  | { type: 'stats' }
  | { type: 'cpu' }
  | { type: 'stop' };
export type ServerChildMessage =
  | { type: 'ready'; authUrl: string; fixedUrl: string; openUrl: string }
  | { type: 'stats'; stats: MastraAuthWorkosStats }
  /** `process.cpuUsage()` total (user + system), in microseconds. */
  | { type: 'cpu'; cpuUs: number }
  | { type: 'error'; message: string };

/** The cheapest possible provider: one string comparison, one constant user. */
class FixedTokenAuth extends MastraAuthProvider<WorkOSUser> {
  readonly #token: string;
  readonly #user: WorkOSUser = { id: 'user_fixed', workosId: 'user_fixed' };

  constructor(token: string) {
    super({ name: 'fixed-token' });
    this.#token = token;
  }

  authenticateToken(token: string): Promise<WorkOSUser | null> {
    return Promise.resolve(token === this.#token ? this.#user : null);
  }

  authorizeUser(user: WorkOSUser): boolean {
    return Boolean(user.id);
  }
}

async function startServer(auth: MastraAuthProvider<WorkOSUser> | undefined): Promise<{ url: string; http: Server }> {
  const agent = new Agent({
    id: 'benchAgent',
    name: 'benchAgent',
    instructions: 'Benchmark agent; never called.',
    model: createMockModel({ mockText: 'ok' }),
  });
  const mastra = new Mastra({ agents: { benchAgent: agent }, ...(auth && { server: { auth } }), logger: false });
  const app = new Hono();
  await new MastraServer({ app, mastra }).init();
  const http = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((resolve, reject) => {
    if (http.listening) return resolve();
    http.once('listening', resolve);
    http.once('error', reject);
  });
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, http };
}

function send(message: ServerChildMessage): void {
  process.send?.(message);
}

let provider: MastraAuthWorkos | undefined;
const servers: Server[] = [];

process.on('message', (message: ServerParentMessage) => {
  void (async () => {
    try {
      if (message.type === 'start') {
        provider = new MastraAuthWorkos({ ...message.connection, logger: noopLogger });
        const withAuth = await startServer(provider);
        const fixed = await startServer(new FixedTokenAuth(message.fixedToken));
        const open = await startServer(undefined);
        servers.push(withAuth.http, fixed.http, open.http);
        send({ type: 'ready', authUrl: withAuth.url, fixedUrl: fixed.url, openUrl: open.url });
      } else if (message.type === 'stats' && provider) {
        send({ type: 'stats', stats: provider.getStats() });
      } else if (message.type === 'cpu') {
        const { user, system } = process.cpuUsage();
        send({ type: 'cpu', cpuUs: user + system });
      } else if (message.type === 'stop') {
        await Promise.all(
          servers.map(
            (server) =>
              new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
              }),
          ),
        );
        process.disconnect?.();
      }
    } catch (error) {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
