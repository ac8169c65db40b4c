/**
 * Child process of the throughput benchmark: three real Mastra servers (`@mastra/hono` on
 * `@hono/node-server`, 127.0.0.1, random ports), identical except for `server.auth`: our
 * `MastraAuthWorkos`, a provider that only compares the token with a constant (the cost of
 * Mastra's auth middleware itself), and none. Running them apart from the load generator gives
 * the servers their own core. Talks to the parent over IPC (see `ServerChildMessage`).
 */
import { Agent } from '@mastra/core/agent';
import { noopLogger } from '@mastra/core/logger';
import { Mastra } from '@mastra/core/mastra';
import { MastraAuthProvider } from '@mastra/core/server';
import { createMockModel } from '@mastra/core/test-utils/llm-mock';
import { MastraAuthWorkos, type MastraAuthWorkosStats, type WorkOSUser } from '../src';
import type { WorkOSEmulatorConnection } from '../src/testing';
import { startMastraServer, type RunningMastraServer } from '../test/helpers/mastra-server';

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

async function startServer(auth: MastraAuthProvider<WorkOSUser> | undefined): Promise<RunningMastraServer> {
  const agent = new Agent({
    id: 'benchAgent',
    name: 'benchAgent',
    instructions: 'Benchmark agent.',
    model: createMockModel({ mockText: 'ok' }),
  });
  return startMastraServer(new Mastra({ agents: { benchAgent: agent }, ...(auth && { server: { auth } }), logger: false }));
}

function send(message: ServerChildMessage): void {
  process.send?.(message);
}

let provider: MastraAuthWorkos | undefined;
const servers: RunningMastraServer[] = [];

process.on('message', (message: ServerParentMessage) => {
  void (async () => {
    try {
      if (message.type === 'start') {
        provider = new MastraAuthWorkos({ ...message.connection, logger: noopLogger });
        const withAuth = await startServer(provider);
        const fixed = await startServer(new FixedTokenAuth(message.fixedToken));
        const open = await startServer(undefined);
        servers.push(withAuth, fixed, open);
        send({ type: 'ready', authUrl: withAuth.baseUrl, fixedUrl: fixed.baseUrl, openUrl: open.baseUrl });
      } else if (message.type === 'stats' && provider) {
        send({ type: 'stats', stats: provider.getStats() });
      } else if (message.type === 'cpu') {
        const { user, system } = process.cpuUsage();
        send({ type: 'cpu', cpuUs: user + system });
      } else if (message.type === 'stop') {
        await Promise.all(servers.map((server) => server.stop()));
        process.disconnect?.();
      }
    } catch (error) {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
