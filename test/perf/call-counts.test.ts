/**
 * What reaches WorkOS, counted by the emulator: the deterministic half of `npm run bench`.
 * Real SDK, real jose, real HTTP on 127.0.0.1; no timing assertions.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MastraAuthWorkos, type MastraAuthWorkosOptions } from '../../src';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { invalidTokenMix, mintDistinctTokens } from '../../bench/tokens';
import { CaptureLogger } from '../support/capture-logger';

let emu: WorkOSEmulator;
let org: { id: string };
let userCount = 0;

function provider(options: MastraAuthWorkosOptions = {}, logger = new CaptureLogger()): MastraAuthWorkos {
  return new MastraAuthWorkos({ ...emu.connection, logger, ...options });
}

/** A fresh WorkOS user with an active membership, so no test shares cache state with another. */
function newUser(): { id: string } {
  userCount += 1;
  const user = emu.createUser({ email: `perf-${userCount}@calls.test`, firstName: `Perf${userCount}` });
  emu.createMembership({ userId: user.id, organizationId: org.id, role: 'member' });
  return user;
}

/** getUser + listOrganizationMemberships requests seen by the emulator. */
function apiCalls(): number {
  return emu.callCount('getUser') + emu.callCount('listOrganizationMemberships');
}

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  org = emu.createOrganization({ name: 'Perf Org' });
});

afterAll(async () => {
  await emu?.stop();
});

beforeEach(() => {
  emu.clearFaults();
  emu.resetCalls();
});

describe('warm cache', () => {
  it('serves a warm request without any WorkOS call (API or JWKS)', async () => {
    const auth = provider({ fetchMemberships: true });
    const user = newUser();
    const [first, second] = await mintDistinctTokens(emu, 2, { sub: user.id, org_id: org.id });

    expect((await auth.authenticateToken(first!))?.id).toBe(user.id);
    expect(emu.callCount('getUser')).toBe(1);
    expect(emu.callCount('listOrganizationMemberships')).toBe(1);
    expect(emu.callCount('jwks')).toBe(1);

    emu.resetCalls();
    expect((await auth.authenticateToken(first!))?.id).toBe(user.id); // same token: verified-token cache
    expect((await auth.authenticateToken(second!))?.id).toBe(user.id); // new token of a cached user
    expect(emu.callCount()).toBe(0);
    expect(auth.getStats()).toMatchObject({ workosApiCalls: 2, jwksFetches: 1, cachedUsers: 1, cachedTokens: 2 });
  });

  it('makes exactly 10 getUser calls (one per user) for 1,000 requests from 10 users', async () => {
    const auth = provider();
    const users = Array.from({ length: 10 }, newUser);
    const sessions = await Promise.all(users.map((user) => mintDistinctTokens(emu, 5, { sub: user.id })));
    const requests = Array.from({ length: 1000 }, (_, i) => sessions[i % 10]![Math.floor(i / 10) % 5]!);

    // Ten in flight at a time, one per user, like ten busy clients.
    const results: Array<unknown> = [];
    for (let wave = 0; wave < requests.length; wave += 10) {
      results.push(...(await Promise.all(requests.slice(wave, wave + 10).map((token) => auth.authenticateToken(token)))));
    }

    expect(results.filter((user) => user === null)).toHaveLength(0);
    expect(emu.callCount('getUser')).toBe(10);
    expect(emu.callCount('listOrganizationMemberships')).toBe(0);
    expect(emu.callCount('jwks')).toBe(1);
    expect(auth.getStats().workosApiCalls).toBe(10);
  });

  it('adds exactly 10 membership calls (one per user) for the same load with fetchMemberships', async () => {
    const auth = provider({ fetchMemberships: true });
    const users = Array.from({ length: 10 }, newUser);
    const tokens = await Promise.all(users.map((user) => emu.mintAccessToken({ sub: user.id })));

    for (let i = 0; i < 1000; i += 10) {
      const batch = await Promise.all(tokens.map((token) => auth.authenticateToken(token)));
      expect(batch.every((user) => user?.organizationId === org.id)).toBe(true);
    }

    expect(emu.callCount('getUser')).toBe(10);
    expect(emu.callCount('listOrganizationMemberships')).toBe(10);
    expect(emu.callCount('jwks')).toBe(1);
    expect(auth.getStats().workosApiCalls).toBe(20);
  });
});

describe('cold bursts', () => {
  it('coalesces 500 concurrent cold requests of one new user into 1 getUser and 1 JWKS fetch', async () => {
    const auth = provider({ fetchMemberships: true });
    const user = newUser();
    const token = await emu.mintAccessToken({ sub: user.id });

    const results = await Promise.all(Array.from({ length: 500 }, () => auth.authenticateToken(token)));

    expect(results.every((result) => result?.id === user.id)).toBe(true);
    expect(emu.callCount('getUser')).toBe(1);
    expect(emu.callCount('listOrganizationMemberships')).toBe(1);
    expect(emu.callCount('jwks')).toBe(1);
  });

  it('coalesces concurrent requests carrying different tokens of the same new user', async () => {
    const auth = provider();
    const user = newUser();
    const tokens = await mintDistinctTokens(emu, 50, { sub: user.id });

    const results = await Promise.all(tokens.map((token) => auth.authenticateToken(token)));

    expect(results.every((result) => result?.id === user.id)).toBe(true);
    expect(emu.callCount('getUser')).toBe(1);
  });
});

describe('invalid tokens', () => {
  it('lets 10,000 invalid tokens (garbage, bad signature, expired, unknown kid, wrong issuer) cost 0 API calls and 1 JWKS fetch', async () => {
    const logger = new CaptureLogger();
    const auth = provider({ fetchMemberships: true }, logger);
    const user = newUser();
    const { tokens, counts } = await invalidTokenMix(emu, 10_000, user.id);
    expect(tokens).toHaveLength(10_000);
    // The mix cycles through eight slots: garbage, bad signature and expired twice each.
    expect(counts).toEqual({ garbage: 2500, bad_signature: 2500, expired: 2500, unknown_kid: 1250, wrong_issuer: 1250 });
    emu.resetCalls();

    let accepted = 0;
    for (let i = 0; i < tokens.length; i += 100) {
      const batch = await Promise.all(tokens.slice(i, i + 100).map((token) => auth.authenticateToken(token)));
      accepted += batch.filter((result) => result !== null).length;
    }

    expect(accepted).toBe(0);
    expect(apiCalls()).toBe(0);
    // One cold fetch; the unknown kids that follow fall within the 30 s refetch cooldown.
    expect(emu.callCount('jwks')).toBe(1);
    expect(auth.getStats()).toMatchObject({ workosApiCalls: 0, jwksFetches: 1, cachedUsers: 0, cachedTokens: 0 });
    // Logged once per reason, not once per token.
    expect(logger.reasons().sort()).toEqual([
      'alg_not_allowed',
      'issuer_mismatch',
      'key_not_found',
      'kid_missing',
      'signature_invalid',
      'token_expired',
      'token_malformed',
      'token_too_large',
    ]);
  });
});

describe('cache policy', () => {
  it('does not cache failures: a 500 and then a success make 2 calls, later requests none', async () => {
    const auth = provider();
    const user = newUser();
    const token = await emu.mintAccessToken({ sub: user.id });
    emu.injectFault('getUser', { status: 500, times: 1 });

    expect(await auth.authenticateToken(token)).toBeNull();
    expect((await auth.authenticateToken(token))?.id).toBe(user.id);
    expect((await auth.authenticateToken(token))?.id).toBe(user.id);

    expect(emu.callCount('getUser')).toBe(2);
    expect(emu.calls.filter((call) => call.route === 'getUser').map((call) => call.status)).toEqual([500, 200]);
  });

  it('does not cache failed membership reads either', async () => {
    const auth = provider({ fetchMemberships: true });
    const user = newUser();
    const token = await emu.mintAccessToken({ sub: user.id });
    emu.injectFault('listOrganizationMemberships', { status: 503, times: 1 });

    expect((await auth.authenticateToken(token))?.memberships).toBeUndefined(); // authenticated, without memberships
    expect((await auth.authenticateToken(token))?.organizationId).toBe(org.id);

    expect(emu.callCount('listOrganizationMemberships')).toBe(2);
    expect(emu.callCount('getUser')).toBe(1); // the user itself was read fine and stays cached
  });

  it('honours cache.ttlMs: an expired entry is read again', async () => {
    const ttlMs = 400;
    const clock = new ManualClock();
    const auth = provider({ cache: { ttlMs }, clock });
    const user = newUser();
    const token = await emu.mintAccessToken({ sub: user.id });

    await auth.authenticateToken(token);
    clock.advance(ttlMs - 1);
    await auth.authenticateToken(token);
    expect(emu.callCount('getUser')).toBe(1); // within the TTL: a hit

    clock.advance(1);
    expect((await auth.authenticateToken(token))?.id).toBe(user.id);
    expect(emu.callCount('getUser')).toBe(2);
  });

  it('with cache: false, calls WorkOS on every request (and still fetches the key set once)', async () => {
    const auth = provider({ cache: false, fetchMemberships: true });
    const user = newUser();
    const token = await emu.mintAccessToken({ sub: user.id });

    for (let i = 0; i < 5; i += 1) expect((await auth.authenticateToken(token))?.id).toBe(user.id);

    expect(emu.callCount('getUser')).toBe(5);
    expect(emu.callCount('listOrganizationMemberships')).toBe(5);
    expect(emu.callCount('jwks')).toBe(1);
    expect(auth.getStats()).toMatchObject({ workosApiCalls: 10, cachedUsers: 0, cachedTokens: 0 });
  });
});

describe('verified-token cache and key rotation', () => {
  let rotating: WorkOSEmulator;

  beforeAll(async () => {
    // Its own emulator: rotating keys here must not invalidate other tests' tokens.
    rotating = await startWorkOSEmulator();
  });

  afterAll(async () => {
    await rotating?.stop();
  });

  it('drops a cached token once its kid has left the JWKS', async () => {
    const cacheMaxAgeMs = 100;
    const clock = new ManualClock();
    const auth = new MastraAuthWorkos({
      ...rotating.connection,
      logger: new CaptureLogger(),
      jwks: { cacheMaxAgeMs, cooldownMs: 50 },
      clock,
    });
    const user = rotating.createUser({ email: 'rotation@calls.test' });
    const oldToken = await rotating.mintAccessToken({ sub: user.id });

    expect((await auth.authenticateToken(oldToken))?.id).toBe(user.id);
    expect((await auth.authenticateToken(oldToken))?.id).toBe(user.id);
    expect(auth.getStats()).toMatchObject({ cachedTokens: 1, jwksFetches: 1 });

    await rotating.rotateKeys({ keepPrevious: false });
    clock.advance(cacheMaxAgeMs * 2); // past the key-set max age and the refetch cooldown

    // A token signed with the new key makes the provider refetch the key set...
    const newToken = await rotating.mintAccessToken({ sub: user.id });
    expect((await auth.authenticateToken(newToken))?.id).toBe(user.id);
    expect(auth.getStats().jwksFetches).toBe(2);
    expect(rotating.callCount('jwks')).toBe(2);

    // ...after which the old token's cached verification no longer counts.
    expect(await auth.authenticateToken(oldToken)).toBeNull();
    expect(auth.getStats().cachedTokens).toBe(1);
    expect(rotating.callCount('getUser')).toBe(1);
  });

});
