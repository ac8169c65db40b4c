/**
 * WorkOS's API failing after a token verified: 404 → not authenticated; 429 / 5xx / timeout →
 * a fresh cached user if there is one, else not authenticated; one call per request at most (no
 * retries), none at all while a 429's Retry-After runs. Logged once per reason at warn.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MastraAuthWorkos } from '../../src';
import type { EmulatorFault, WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';
import {
  API_KEY,
  attempt,
  expectAccepted,
  expectNoSecrets,
  expectRejected,
  makeProvider,
  startEmulator,
} from './helpers';

let emu: WorkOSEmulator;
let userId: string;
let otherId: string;
let orgId: string;

beforeAll(async () => {
  emu = await startEmulator();
  userId = emu.createUser({ email: 'up@acme.test', firstName: 'Up' }).id;
  otherId = emu.createUser({ email: 'other@acme.test' }).id;
  orgId = emu.createOrganization({ name: 'Acme' }).id;
  emu.createMembership({ userId, organizationId: orgId, role: 'admin' });
});

afterAll(async () => {
  await emu?.stop();
});

afterEach(() => {
  emu.clearFaults();
});

const REQUEST_TIMEOUT = { requestTimeoutMs: 300 };
const token = (sub = userId) => emu.mintAccessToken({ sub });

function logged(subject: { logger: CaptureLogger }, reason: string) {
  return subject.logger.lines.filter((line) => (line.args[0] as { reason?: string } | undefined)?.reason === reason);
}

/** Upstream failures other than 404 and 429. */
const UNAVAILABLE: Array<[string, EmulatorFault, string]> = [
  ['500', { status: 500 }, 'upstream_unavailable'],
  ['502 with an HTML page', { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' }, 'upstream_unavailable'],
  ['503', { status: 503 }, 'upstream_unavailable'],
  ['200 with an HTML page', { status: 200, body: '<html>maintenance</html>', contentType: 'text/html' }, 'upstream_unavailable'],
  ['hang (timeout)', { hang: true }, 'upstream_timeout'],
  ['answer slower than requestTimeoutMs', { delayMs: 3_000 }, 'upstream_timeout'],
];

describe('getUser 404', () => {
  it('a subject WorkOS does not know → user_not_found, one call', async () => {
    const subject = makeProvider(emu, REQUEST_TIMEOUT);
    await expectRejected(emu, subject, await token('user_01UNKNOWN0000000000000000'), { jwks: 1, getUser: 1, reason: 'user_not_found' });
  });

  it('an injected 404 for a known user → null; not cached, so the next request asks again (once)', async () => {
    const subject = makeProvider(emu, REQUEST_TIMEOUT);
    emu.injectFault('getUser', { status: 404, times: 1 });
    await expectRejected(emu, subject, await token(), { jwks: 1, getUser: 1, reason: 'user_not_found' });
    await expectAccepted(emu, subject, await token(), userId, { jwks: 0, getUser: 1 });
  });

  it('trustJwtClaims: the user is built from the verified claims, with no getUser call (upstream semantics)', async () => {
    const subject = makeProvider(emu, { ...REQUEST_TIMEOUT, trustJwtClaims: true });
    const service = 'user_01SERVICE000000000000000';
    const { user, calls } = await attempt(emu, subject, await emu.mintAccessToken({ sub: service }));
    expect(user).toMatchObject({ id: service, metadata: { source: 'jwt_claims' } });
    expect(calls.getUser).toBe(0);
  });

  it('trustJwtClaims is untouched by a failing getUser: it never calls it', async () => {
    const subject = makeProvider(emu, { ...REQUEST_TIMEOUT, trustJwtClaims: true });
    emu.injectFault('getUser', { status: 500 });
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1, getUser: 0 });
  });
});

describe('getUser 429 and Retry-After', () => {
  it('429 with Retry-After: 30 → null; every later request, any user, makes no call', async () => {
    const subject = makeProvider(emu, REQUEST_TIMEOUT);
    emu.injectFault('getUser', { status: 429, headers: { 'Retry-After': '30' } });
    await expectRejected(emu, subject, await token(), { jwks: 1, getUser: 1 });
    for (let i = 0; i < 5; i += 1) {
      await expectRejected(emu, subject, await token(i % 2 ? userId : otherId), { jwks: 0, getUser: 0 });
    }
    const rateLimited = logged(subject, 'upstream_rate_limited');
    expect(rateLimited).toHaveLength(1);
    expect(rateLimited[0]).toMatchObject({ level: 'warn', args: [{ status: 429, retryAfterSec: 30 }] });
  });

  it('after Retry-After has passed, the next request calls again and succeeds', async () => {
    const subject = makeProvider(emu, REQUEST_TIMEOUT);
    emu.injectFault('getUser', { status: 429, headers: { 'Retry-After': '1' }, times: 1 });
    await expectRejected(emu, subject, await token(), { jwks: 1, getUser: 1 });
    await expectRejected(emu, subject, await token(), { jwks: 0, getUser: 0 });
    subject.clock.advance(1_600);
    await expectAccepted(emu, subject, await token(), userId, { jwks: 0, getUser: 1 });
  });

  it.each([
    ['no Retry-After', {}],
    ['unparseable Retry-After', { 'Retry-After': 'soon' }],
    ['HTTP-date Retry-After', { 'Retry-After': new Date(Date.now() + 30_000).toUTCString() }],
    ['negative Retry-After', { 'Retry-After': '-5' }],
  ])('429 with %s → null, and the next request right away still makes no call', async (_name, headers) => {
    const subject = makeProvider(emu, REQUEST_TIMEOUT);
    emu.injectFault('getUser', { status: 429, headers });
    await expectRejected(emu, subject, await token(), { jwks: 1, getUser: 1 });
    await expectRejected(emu, subject, await token(), { jwks: 0, getUser: 0 });
  });

  it('a user already cached is served during the Retry-After pause, with no call', async () => {
    const subject = makeProvider(emu, REQUEST_TIMEOUT);
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1, getUser: 1 });
    emu.injectFault('getUser', { status: 429, headers: { 'Retry-After': '30' } });
    await expectRejected(emu, subject, await token(otherId), { jwks: 0, getUser: 1 });
    await expectAccepted(emu, subject, await token(), userId, { jwks: 0, getUser: 0 });
    await expectRejected(emu, subject, await token(otherId), { jwks: 0, getUser: 0 });
  });
});

describe('getUser 5xx, HTML and timeouts', () => {
  it.each(UNAVAILABLE)('%s, cold user cache → null; exactly one call per request (no retries, no gate)', async (_name, fault, reason) => {
    const subject = makeProvider(emu, REQUEST_TIMEOUT);
    emu.injectFault('getUser', fault);
    await expectRejected(emu, subject, await token(), { jwks: 1, getUser: 1 });
    await expectRejected(emu, subject, await token(), { jwks: 0, getUser: 1 });
    const failures = logged(subject, reason);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.level).toBe('warn');
  });

  it.each(UNAVAILABLE)('%s, warm user cache → the cached user is served, no call', async (_name, fault) => {
    const subject = makeProvider(emu, REQUEST_TIMEOUT);
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1, getUser: 1 });
    emu.injectFault('getUser', fault);
    for (let i = 0; i < 3; i += 1) {
      await expectAccepted(emu, subject, await token(), userId, { jwks: 0, getUser: 0 });
    }
    expect(subject.auth.getStats().cachedUsers).toBe(1);
  });

  it('a cached user past its TTL is not served when WorkOS fails', async () => {
    const subject = makeProvider(emu, { ...REQUEST_TIMEOUT, cache: { ttlMs: 200 } });
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1, getUser: 1 });
    subject.clock.advance(500);
    emu.injectFault('getUser', { status: 500 });
    await expectRejected(emu, subject, await token(), { jwks: 0, getUser: 1 });
  });

  it('20 concurrent requests for one user during a hang share one call and all fail closed', async () => {
    const subject = makeProvider(emu, REQUEST_TIMEOUT);
    emu.injectFault('getUser', { hang: true });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => token()));
    const before = emu.callCount('getUser');
    const users = await Promise.all(tokens.map((t) => subject.auth.authenticateToken(t)));
    expect(users.every((user) => user === null)).toBe(true);
    expect(emu.callCount('getUser') - before).toBe(1);
    expect(logged(subject, 'upstream_timeout')).toHaveLength(1);
    expectNoSecrets(subject.logger, tokens);
  });
});

describe('memberships (fetchMemberships: true)', () => {
  // Upstream's decision, matched: a failed membership listing does not fail authentication. The
  // user comes without memberships (RBAC/FGA then fail closed on what they have), and it is logged.
  it('listOrganizationMemberships 500 → authenticated without memberships, logged once at warn', async () => {
    const subject = makeProvider(emu, { ...REQUEST_TIMEOUT, fetchMemberships: true });
    emu.injectFault('listOrganizationMemberships', { status: 500 });
    const user = await expectAccepted(emu, subject, await token(), userId, { jwks: 1, getUser: 1, memberships: 1 });
    expect(user.memberships).toBeUndefined();
    expect(user.organizationMembershipId).toBeUndefined();
    expect(subject.logger.lines.filter((line) => line.level === 'warn' && subject.logger.reasons().includes('upstream_unavailable'))).toHaveLength(1);
  });

  it('listOrganizationMemberships hang → authenticated without memberships after requestTimeoutMs', async () => {
    const subject = makeProvider(emu, { ...REQUEST_TIMEOUT, fetchMemberships: true });
    emu.injectFault('listOrganizationMemberships', { hang: true });
    const user = await expectAccepted(emu, subject, await token(), userId, { jwks: 1, getUser: 1, memberships: 1 });
    expect(user.memberships).toBeUndefined();
  });

  it('warm caches → served while both endpoints fail', async () => {
    const subject = makeProvider(emu, { ...REQUEST_TIMEOUT, fetchMemberships: true });
    await expectAccepted(emu, subject, await token(), userId, { jwks: 1, getUser: 1, memberships: 1 });
    emu.injectFault('getUser', { status: 503 });
    emu.injectFault('listOrganizationMemberships', { status: 503 });
    const user = await expectAccepted(emu, subject, await token(), userId, { jwks: 0 });
    expect(user.memberships).toHaveLength(1);
  });
});

describe('credentials rejected by WorkOS', () => {
  it('a wrong API key (401) → null, logged as upstream_unauthorized, neither key in the logs', async () => {
    const wrongKey = 'sk_test_wrong_key_7d3e1a9c5b';
    const logger = new CaptureLogger();
    const auth = new MastraAuthWorkos({ ...emu.connection, apiKey: wrongKey, logger, ...REQUEST_TIMEOUT });
    const t = await token();
    const before = emu.callCount('getUser');
    expect(await auth.authenticateToken(t)).toBeNull();
    expect(emu.callCount('getUser') - before).toBe(1);
    expect(logged({ logger }, 'upstream_unauthorized')).toHaveLength(1);
    expect(logger.text).not.toContain(wrongKey);
    expect(logger.text).not.toContain(API_KEY);
    expectNoSecrets(logger, [t, wrongKey]);
  });
});
