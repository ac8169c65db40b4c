/**
 * Upstream traffic per workload, counted by the emulator (what WorkOS would see), for our
 * provider and for the naive upstream-style baseline.
 */
import { noopLogger } from '@mastra/core/logger';
import { MastraAuthWorkos, type MastraAuthWorkosOptions } from '../src';
import type { WorkOSEmulator } from '../src/testing';
import { mapConcurrent } from './measure';
import { NaiveUpstreamAuth } from './naive';
import { invalidTokenMix, mintDistinctTokens, type InvalidTokenKind } from './tokens';

export interface Traffic {
  getUser: number;
  memberships: number;
  /** getUser + memberships. */
  api: number;
  jwks: number;
  /** Requests that produced a user. */
  authenticated: number;
}

interface Authenticates {
  authenticateToken(token: string): Promise<unknown>;
}

/** Runs `requests` in waves of `waveSize` concurrent calls and counts what reached the emulator. */
async function countTraffic(emu: WorkOSEmulator, auth: Authenticates, requests: readonly string[], concurrency: number): Promise<Traffic> {
  emu.resetCalls();
  const users = await mapConcurrent(requests, concurrency, (token) => auth.authenticateToken(token));
  const getUser = emu.callCount('getUser');
  const memberships = emu.callCount('listOrganizationMemberships');
  return { getUser, memberships, api: getUser + memberships, jwks: emu.callCount('jwks'), authenticated: users.filter(Boolean).length };
}

function ourProvider(emu: WorkOSEmulator, options: MastraAuthWorkosOptions = {}): MastraAuthWorkos {
  return new MastraAuthWorkos({ ...emu.connection, logger: noopLogger, ...options });
}

export interface CallCountResult {
  tenUsers: { requests: number; ours: Traffic; oursWithMemberships: Traffic; naive: Traffic };
  coldBurst: { requests: number; ours: Traffic; naive: Traffic };
  invalid: { requests: number; counts: Record<InvalidTokenKind, number>; ours: Traffic; naive: Traffic };
}

export async function measureCallCounts(emu: WorkOSEmulator, options: { invalidTokens: number }): Promise<CallCountResult> {
  const naive = new NaiveUpstreamAuth(emu.createWorkOSClient(), emu.connection.clientId);
  const org = emu.createOrganization({ name: 'Bench Org' });

  // 1,000 requests from 10 users: 10 sessions (tokens) per user, each used 10 times, 10 in flight.
  const users = Array.from({ length: 10 }, (_, i) => emu.createUser({ email: `ten-users-${i}@bench.test`, firstName: `User${i}` }));
  for (const user of users) emu.createMembership({ userId: user.id, organizationId: org.id, role: 'member' });
  const sessions = await Promise.all(users.map((user) => mintDistinctTokens(emu, 10, { sub: user.id, org_id: org.id })));
  const thousand: string[] = [];
  for (let i = 0; i < 1000; i += 1) thousand.push(sessions[i % 10]![Math.floor(i / 10) % 10]!);
  const tenUsers = {
    requests: thousand.length,
    ours: await countTraffic(emu, ourProvider(emu), thousand, 10),
    oursWithMemberships: await countTraffic(emu, ourProvider(emu, { fetchMemberships: true }), thousand, 10),
    naive: await countTraffic(emu, naive, thousand, 10),
  };

  // 500 concurrent requests (one token) of a user nobody has seen, on a cold provider.
  const newcomer = emu.createUser({ email: 'newcomer@bench.test' });
  const burst = new Array<string>(500).fill(await emu.mintAccessToken({ sub: newcomer.id }));
  const coldBurst = {
    requests: burst.length,
    ours: await countTraffic(emu, ourProvider(emu), burst, burst.length),
    naive: await countTraffic(emu, naive, burst, burst.length),
  };

  // Invalid tokens on a cold provider: nothing may reach the API, the key set at most once.
  const victim = emu.createUser({ email: 'victim@bench.test' });
  const invalidSet = await invalidTokenMix(emu, options.invalidTokens, victim.id);
  const invalid = {
    requests: invalidSet.tokens.length,
    counts: invalidSet.counts,
    ours: await countTraffic(emu, ourProvider(emu), invalidSet.tokens, 50),
    naive: await countTraffic(emu, naive, invalidSet.tokens, 50),
  };
  // The naive baseline pins no issuer, so it accepts the wrong-issuer tokens (an upstream weakness).
  if (invalid.ours.authenticated > 0) throw new Error('an invalid benchmark token was accepted');
  if (tenUsers.ours.authenticated !== 1000 || coldBurst.ours.authenticated !== 500) throw new Error('a valid benchmark token was rejected');
  return { tenUsers, coldBurst, invalid };
}
