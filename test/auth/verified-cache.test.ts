import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MastraAuthWorkos } from '../../src';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';

let emu: WorkOSEmulator;
let userId: string;
const request = new Request('http://127.0.0.1/api/agents');

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  userId = emu.createUser({ email: 'cache@acme.test' }).id;
});
afterAll(() => emu?.stop());

describe('verified-token cache', () => {
  it('serves a repeated token without a new key lookup, and counts it', async () => {
    const auth = new MastraAuthWorkos({ ...emu.connection, logger: new CaptureLogger() });
    const token = await emu.mintAccessToken({ sub: userId });
    await auth.authenticateToken(token, request);
    await auth.authenticateToken(token, request);
    expect(auth.getStats()).toMatchObject({ cachedTokens: 1, jwksFetches: 1, workosApiCalls: 1 });
  });

  it('re-checks a cached token once its key set is older than jwks.cacheMaxAgeMs, even with no other traffic', async () => {
    const clock = new ManualClock();
    const auth = new MastraAuthWorkos({ ...emu.connection, jwks: { cacheMaxAgeMs: 2_000, cooldownMs: 0 }, logger: new CaptureLogger(), clock });
    const token = await emu.mintAccessToken({ sub: userId });
    expect(await auth.authenticateToken(token, request)).not.toBeNull();
    await emu.rotateKeys({ keepPrevious: false });
    clock.advance(1_999);
    expect(await auth.authenticateToken(token, request)).not.toBeNull(); // key set still fresh: cached
    expect(auth.getStats().jwksFetches).toBe(1);
    clock.advance(1);
    expect(await auth.authenticateToken(token, request)).toBeNull(); // refetched: the kid is gone
    expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: userId }), request)).not.toBeNull();
  });

  it('cache.tokens: false re-verifies every token while users stay cached', async () => {
    const auth = new MastraAuthWorkos({ ...emu.connection, cache: { tokens: false }, logger: new CaptureLogger() });
    const token = await emu.mintAccessToken({ sub: userId });
    await auth.authenticateToken(token, request);
    await auth.authenticateToken(token, request);
    expect(auth.getStats()).toMatchObject({ cachedTokens: 0, cachedUsers: 1, workosApiCalls: 1 });
  });

  it('never caches a rejected token as valid', async () => {
    const auth = new MastraAuthWorkos({ ...emu.connection, logger: new CaptureLogger() });
    const forged = await emu.mintAccessToken({ sub: userId, signWith: 'foreign' });
    expect(await auth.authenticateToken(forged, request)).toBeNull();
    expect(await auth.authenticateToken(forged, request)).toBeNull();
    expect(auth.getStats().cachedTokens).toBe(0);
  });
});
