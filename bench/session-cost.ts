/**
 * Browser-session costs:
 * - a cookie-authenticated request on a warm cache (unsealed-session cache + verified-token cache)
 *   against a bare jose `jwtVerify` of the access token inside the cookie;
 * - 100 concurrent requests through a real Mastra server carrying one expired cookie: how many
 *   refresh grants reach WorkOS (single-flight + grace: 1).
 */
import { Mastra } from '@mastra/core/mastra';
import { noopLogger } from '@mastra/core/logger';
import { importJWK, jwtVerify, type JWK } from 'jose';
import { MastraAuthWorkos } from '../src';
import { ManualClock, startWorkOSEmulator } from '../src/testing';
import { startMastraServer } from '../test/helpers/mastra-server';
import { createMockAgent } from '../test/helpers/mock-agent';
import { timeInterleaved, type PairTiming } from './measure';

const PASSWORD = 'bench-cookie-password-of-at-least-32-characters';

export interface SessionCostResult {
  cookieWarm: PairTiming;
  expiredBurst: { requests: number; ok: number; refreshGrants: number };
}

export async function measureSessionCost(options: { rounds: number; batch: number; burst: number }): Promise<SessionCostResult> {
  const clock = new ManualClock();
  const emu = await startWorkOSEmulator({ clock });
  try {
    const user = emu.createUser({ email: 'cookie@bench.test', firstName: 'Cookie', lastName: 'Bench' });
    const auth = new MastraAuthWorkos({ ...emu.connection, clock, logger: noopLogger, session: { cookiePassword: PASSWORD } });
    const workos = emu.createWorkOSClient();
    const signIn = async (): Promise<{ sealed: string; accessToken: string }> => {
      const response = await workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code: emu.issueAuthorizationCode({ userId: user.id }) });
      const session = await auth.createSession(user.id, { accessToken: response.accessToken, refreshToken: response.refreshToken });
      return { sealed: session.id, accessToken: response.accessToken };
    };

    // Warm cookie path vs. bare jose on the same access token.
    const { sealed, accessToken } = await signIn();
    const request = new Request('http://127.0.0.1/api/agents', { headers: { cookie: `theme=dark; wos_session=${sealed}` } });
    const publicKey = await importJWK(emu.publicJwks().keys[0] as JWK, 'RS256');
    const joseOptions = { algorithms: ['RS256'], issuer: emu.issuer, currentDate: new Date(clock.now()) };
    const ours = async (): Promise<void> => {
      if ((await auth.authenticateToken('', request as never)) === null) throw new Error('cookie rejected');
    };
    const bare = async (): Promise<void> => {
      await jwtVerify(accessToken, publicKey, joseOptions);
    };
    for (let i = 0; i < 300; i += 1) {
      await ours();
      await bare();
    }
    const batch = new Array<number>(options.batch).fill(0);
    const cookieWarm = await timeInterleaved({ rounds: options.rounds, batchFor: () => batch, ours, baseline: bare });

    // 100 concurrent requests, one expired cookie, a real Mastra server.
    const server = await startMastraServer(
      new Mastra({ agents: { benchAgent: createMockAgent({ id: 'benchAgent', reply: 'ok' }) }, logger: false, server: { auth } }),
    );
    try {
      const stale = await signIn();
      clock.advance(310_000);
      emu.resetCalls();
      const statuses = await Promise.all(
        Array.from({ length: options.burst }, () =>
          fetch(`${server.baseUrl}/api/agents`, { headers: { cookie: `wos_session=${stale.sealed}` } }).then(async (res) => {
            await res.arrayBuffer();
            return res.status;
          }),
        ),
      );
      return {
        cookieWarm,
        expiredBurst: { requests: options.burst, ok: statuses.filter((s) => s === 200).length, refreshGrants: emu.callCount('authenticate') },
      };
    } finally {
      await server.stop();
    }
  } finally {
    await emu.stop();
  }
}
