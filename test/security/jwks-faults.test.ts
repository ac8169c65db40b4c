/**
 * The WorkOS key set misbehaving: hanging, 5xx, HTML, non-JWKS JSON, redirects. Cold (no keys yet)
 * → fail closed, one fetch, then no further fetch within the cooldown. Warm → the last good keys
 * keep verifying for `staleIfErrorMs`, the failure is logged once at warn.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorFault, WorkOSEmulator } from '../../src/testing';
import {
  expectAccepted,
  expectNoSecrets,
  expectRejected,
  makeProvider,
  startEmulator,
  startTrapServer,
  type TrapServer,
} from './helpers';

let emu: WorkOSEmulator;
let trap: TrapServer;
let userId: string;

beforeAll(async () => {
  emu = await startEmulator();
  trap = await startTrapServer();
  userId = emu.createUser({ email: 'jwks@acme.test' }).id;
});

afterAll(async () => {
  await trap?.stop();
  await emu?.stop();
});

afterEach(() => {
  emu.clearFaults();
});

const token = () => emu.mintAccessToken({ sub: userId });

/** Faults that make a JWKS fetch fail; `timeoutMs` is kept small so hangs end quickly. */
const FAULTS: Array<[string, () => EmulatorFault]> = [
  ['hang', () => ({ hang: true })],
  ['answer slower than the timeout', () => ({ delayMs: 5_000 })],
  ['500', () => ({ status: 500 })],
  ['503 with an HTML page', () => ({ status: 503, body: '<html><body>Service Unavailable</body></html>', contentType: 'text/html' })],
  ['200 with an HTML page', () => ({ status: 200, body: '<!doctype html><html><body>Login</body></html>', contentType: 'text/html' })],
  ['200 with {}', () => ({ status: 200, body: {} })],
  ['200 with keys not an array', () => ({ status: 200, body: { keys: 'none' } })],
  ['200 with JSON null', () => ({ status: 200, body: 'null', contentType: 'application/json' })],
  ['200 with an empty body', () => ({ status: 200, body: '', contentType: 'application/json' })],
  ['404', () => ({ status: 404 })],
  ['302 redirect to another server', () => ({ status: 302, headers: { Location: `${trap.url}/jwks` }, body: '' })],
];

const SMALL_TIMEOUT = { timeoutMs: 300 };

describe('cold: no keys yet', () => {
  it.each(FAULTS)('%s → null (jwks_unavailable), one fetch, no user lookup; no refetch within the cooldown', async (_name, fault) => {
    emu.injectFault('jwks', fault());
    const subject = makeProvider(emu, { jwks: SMALL_TIMEOUT });
    await expectRejected(emu, subject, await token(), { jwks: 1, reason: 'jwks_unavailable' });
    await expectRejected(emu, subject, await token(), { jwks: 0 });
    await expectRejected(emu, subject, await token(), { jwks: 0 });

    const failures = subject.logger.lines.filter((line) => (line.args[0] as { reason?: string }).reason === 'jwks_fetch_failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.level).toBe('warn');
    expect(failures[0]?.args[0]).toMatchObject({ usingStaleKeys: false });
    expect(subject.logger.lines.find((line) => (line.args[0] as { reason?: string }).reason === 'jwks_unavailable')?.level).toBe('warn');
    expect(trap.requests).toEqual([]);
  });

  it('200 with an empty key list → key_not_found, one fetch', async () => {
    emu.injectFault('jwks', { status: 200, body: { keys: [] } });
    const subject = makeProvider(emu);
    await expectRejected(emu, subject, await token(), { jwks: 1, reason: 'key_not_found' });
    await expectRejected(emu, subject, await token(), { jwks: 0 });
  });

  it('a JWKS holding only a symmetric key under the real kid → null (HS256 stays refused, RS256 finds no RSA key)', async () => {
    emu.injectFault('jwks', {
      status: 200,
      body: { keys: [{ kty: 'oct', k: Buffer.from('attacker-secret').toString('base64url'), kid: emu.currentKid }] },
    });
    await expectRejected(emu, makeProvider(emu), await token(), { jwks: 1 });
  });

  it('20 concurrent requests during a hang share one fetch and all fail closed', async () => {
    emu.injectFault('jwks', { hang: true });
    const subject = makeProvider(emu, { jwks: SMALL_TIMEOUT });
    const tokens = await Promise.all(Array.from({ length: 20 }, token));
    const before = emu.callCount('jwks');
    const users = await Promise.all(tokens.map((t) => subject.auth.authenticateToken(t)));
    expect(users.every((user) => user === null)).toBe(true);
    expect(emu.callCount('jwks') - before).toBe(1);
    expect(emu.callCount('getUser')).toBe(0);
    expect(subject.logger.reasons().filter((reason) => reason === 'jwks_fetch_failed')).toHaveLength(1);
    expectNoSecrets(subject.logger, tokens);
  });

  it('recovers after the cooldown once WorkOS answers again', async () => {
    const cooldownMs = 300;
    emu.injectFault('jwks', { status: 500 });
    const subject = makeProvider(emu, { jwks: { cooldownMs } });
    await expectRejected(emu, subject, await token(), { jwks: 1, reason: 'jwks_unavailable' });
    emu.clearFaults();
    subject.clock.advance(cooldownMs * 3);
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1, getUser: 1 });
  });
});

describe('cold: healthy key set', () => {
  it('20 concurrent cold requests share one JWKS fetch and one user lookup', async () => {
    const subject = makeProvider(emu);
    const tokens = await Promise.all(Array.from({ length: 20 }, token));
    const before = { jwks: emu.callCount('jwks'), getUser: emu.callCount('getUser') };
    const users = await Promise.all(tokens.map((t) => subject.auth.authenticateToken(t)));
    expect(users.every((user) => user?.id === userId)).toBe(true);
    expect(emu.callCount('jwks') - before.jwks).toBe(1);
    expect(emu.callCount('getUser') - before.getUser).toBe(1);
  });
});

describe('warm: stale-if-error', () => {
  // Keys go stale after 200 ms, so the next request refetches and meets the fault.
  const warmSettings = { cacheMaxAgeMs: 200, cooldownMs: 10_000, timeoutMs: 300 };

  async function warmProvider(jwks: Record<string, number> = warmSettings) {
    const subject = makeProvider(emu, { jwks });
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1, getUser: 1 });
    subject.clock.advance(600);
    return subject;
  }

  it.each(FAULTS)(
    '%s → the last good keys still verify; one failed fetch, logged once at warn',
    async (_name, fault) => {
      const subject = await warmProvider();
      emu.injectFault('jwks', fault());
      await expectAccepted(emu, subject, await token(), userId, { jwks: 1 });
      // Within the cooldown after the failure: no new attempt, still served from the stale keys.
      await expectAccepted(emu, subject, await token(), userId, { jwks: 0 });
      // Stale keys are still keys: a forged signature or an unknown kid is still refused.
      await expectRejected(emu, subject, await emu.mintAccessToken({ sub: userId, signWith: 'foreign' }), { jwks: 0 });
      await expectRejected(emu, subject, await emu.mintAccessToken({ sub: userId, kid: 'kid_unknown' }), { jwks: 0 });

      const failures = subject.logger.lines.filter((line) => (line.args[0] as { reason?: string }).reason === 'jwks_fetch_failed');
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ level: 'warn', args: [{ usingStaleKeys: true }] });
      expect(trap.requests).toEqual([]);
    },
  );

  it('staleIfErrorMs 0: a failed refresh of stale keys fails closed', async () => {
    const subject = await warmProvider({ ...warmSettings, staleIfErrorMs: 0 });
    emu.injectFault('jwks', { status: 500 });
    await expectRejected(emu, subject, await token(), { jwks: 1, reason: 'jwks_unavailable' });
  });

  it('stale keys serve only until cacheMaxAgeMs + staleIfErrorMs has passed', async () => {
    const subject = makeProvider(emu, { jwks: { cacheMaxAgeMs: 300, staleIfErrorMs: 2_000, cooldownMs: 100, timeoutMs: 300 } });
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1, getUser: 1 });
    emu.injectFault('jwks', { status: 500 });
    subject.clock.advance(600); // stale, well inside the grace period (300 + 2000 ms)
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1 });
    subject.clock.advance(2_400); // now past it
    await expectRejected(emu, subject, await token(), { jwks: 1, reason: 'jwks_unavailable' });
  });

  it('when WorkOS recovers, the next refresh after the cooldown replaces the stale keys', async () => {
    const subject = await warmProvider({ ...warmSettings, cooldownMs: 300 });
    emu.injectFault('jwks', { status: 500 });
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1 });
    emu.clearFaults();
    await emu.rotateKeys({ keepPrevious: false });
    subject.clock.advance(900);
    // Signed by the new key: only a successful refresh can verify it.
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1 });
  });
});
