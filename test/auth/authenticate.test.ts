import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MastraAuthWorkos, type MastraAuthWorkosOptions, type WorkOSUser } from '../../src';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';

let emu: WorkOSEmulator;
let alice: { id: string };
let bob: { id: string };
let acme: { id: string };
let globex: { id: string };
let aliceAcme: { id: string };
let aliceGlobex: { id: string };

const request = new Request('http://127.0.0.1/api/agents');

function provider(options: MastraAuthWorkosOptions = {}) {
  return new MastraAuthWorkos({ ...emu.connection, logger: new CaptureLogger(), ...options });
}

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  acme = emu.createOrganization({ name: 'Acme' });
  globex = emu.createOrganization({ name: 'Globex' });
  alice = emu.createUser({
    email: 'alice@acme.test',
    firstName: 'Alice',
    lastName: 'Liddell',
    emailVerified: true,
    profilePictureUrl: 'https://example.test/alice.png',
    metadata: { team: 'platform' },
  });
  bob = emu.createUser({ email: 'bob@acme.test', firstName: 'Bob' });
  aliceAcme = emu.createMembership({ userId: alice.id, organizationId: acme.id, role: 'admin' });
  aliceGlobex = emu.createMembership({ userId: alice.id, organizationId: globex.id, role: 'member' });
});

afterAll(async () => {
  await emu?.stop();
});

beforeEach(() => emu.resetCalls());

describe('authenticateToken', () => {
  it('verifies the token, reads the user from WorkOS and maps every field', async () => {
    const auth = provider();
    const token = await emu.mintAccessToken({
      sub: alice.id,
      org_id: acme.id,
      role: 'admin',
      roles: ['admin', 'billing'],
      permissions: ['agents:read', 'agents:execute'],
      sid: 'session_123',
    });
    const user = await auth.authenticateToken(token, request);
    expect(user).toMatchObject({
      id: alice.id,
      workosId: alice.id,
      email: 'alice@acme.test',
      name: 'Alice Liddell',
      avatarUrl: 'https://example.test/alice.png',
      organizationId: acme.id,
      role: 'admin',
      roles: ['admin', 'billing'],
      permissions: ['agents:read', 'agents:execute'],
      sessionId: 'session_123',
      metadata: { workosId: alice.id, emailVerified: true, team: 'platform', role: 'admin' },
    });
    expect(typeof user?.metadata?.createdAt).toBe('string');
    expect(user?.memberships).toBeUndefined();
    expect(emu.callCount('getUser')).toBe(1);
    expect(emu.callCount('listOrganizationMemberships')).toBe(0);
  });

  it('names users "First Last", else first name, else email', async () => {
    const auth = provider();
    const carol = emu.createUser({ email: 'carol@acme.test' });
    const bobUser = await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id }), request);
    const carolUser = await auth.authenticateToken(await emu.mintAccessToken({ sub: carol.id }), request);
    expect(bobUser?.name).toBe('Bob');
    expect(carolUser?.name).toBe('carol@acme.test');
    expect(carolUser?.avatarUrl).toBeUndefined();
  });

  it('strips an optional Bearer prefix in any case', async () => {
    const auth = provider();
    const token = await emu.mintAccessToken({ sub: bob.id });
    for (const value of [token, `Bearer ${token}`, `bearer ${token}`, `BEARER   ${token}`]) {
      expect((await auth.authenticateToken(value, request))?.id).toBe(bob.id);
    }
  });

  it('returns null without throwing and without a WorkOS call for the empty string and junk', async () => {
    const auth = provider();
    const expired = await emu.mintAccessToken({ sub: alice.id, expiresIn: -3600 });
    const foreign = await emu.mintAccessToken({ sub: alice.id, signWith: 'foreign' });
    const good = await emu.mintAccessToken({ sub: alice.id });
    const [head, body] = good.split('.');
    const tampered = `${head}.${Buffer.from(JSON.stringify({ sub: bob.id, exp: 9999999999, iss: emu.issuer })).toString('base64url')}.${good.split('.')[2]}`;
    const inputs = ['', '   ', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'not-a-jwt', 'a.b', 'a.b.c.d', `${head}.${body}.`, expired, foreign, tampered, 'x'.repeat(20_000)];
    for (const input of inputs) {
      await expect(auth.authenticateToken(input, request)).resolves.toBeNull();
    }
    expect(emu.callCount('getUser')).toBe(0);
    expect(emu.callCount('listOrganizationMemberships')).toBe(0);
  });

  it('returns null when WorkOS does not know the subject', async () => {
    const auth = provider();
    const token = await emu.mintAccessToken({ sub: 'user_unknown' });
    expect(await auth.authenticateToken(token, request)).toBeNull();
    expect(emu.callCount('getUser')).toBe(1);
  });
});

describe('connection', () => {
  it('authenticates through a ready workos client, taking the JWKS URL from its host', async () => {
    const auth = new MastraAuthWorkos({ apiKey: emu.apiKey, clientId: emu.clientId, workos: emu.createWorkOSClient(), logger: new CaptureLogger() });
    const user = await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id }), request);
    expect(user?.id).toBe(bob.id);
    expect(emu.callCount('jwks')).toBe(1);
    expect(emu.callCount('getUser')).toBe(1);
  });

  it('authenticates with the connection taken from the environment only', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, emu.env());
      const auth = new MastraAuthWorkos({ logger: new CaptureLogger() });
      expect((await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id }), request))?.id).toBe(bob.id);
    } finally {
      for (const key of Object.keys(emu.env())) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
});

describe('fetchMemberships', () => {
  it('loads memberships and the membership id of the token organization', async () => {
    const auth = provider({ fetchMemberships: true });
    const user = await auth.authenticateToken(await emu.mintAccessToken({ sub: alice.id, org_id: globex.id }), request);
    expect(user?.memberships?.map((m) => m.id).sort()).toEqual([aliceAcme.id, aliceGlobex.id].sort());
    expect(user?.organizationId).toBe(globex.id);
    expect(user?.organizationIdSource).toBe('token');
    expect(user?.organizationMembershipId).toBe(aliceGlobex.id);
    // No role claim in the token: the role of the membership in the current organization.
    expect(user?.metadata?.role).toBe('member');
    expect(emu.callCount('listOrganizationMemberships')).toBe(1);
  });

  it('falls back to the first active membership when the token has no org_id', async () => {
    const auth = provider({ fetchMemberships: true });
    const dave = emu.createUser({ email: 'dave@acme.test' });
    emu.createMembership({ userId: dave.id, organizationId: globex.id, status: 'inactive' });
    const active = emu.createMembership({ userId: dave.id, organizationId: acme.id, role: 'member' });
    const user = await auth.authenticateToken(await emu.mintAccessToken({ sub: dave.id }), request);
    expect(user?.organizationId).toBe(acme.id);
    expect(user?.organizationIdSource).toBe('memberships');
    expect(user?.organizationMembershipId).toBe(active.id);
    expect(user?.memberships?.every((m) => m.status === 'active')).toBe(true);
  });

  it('reads every page of a user with many memberships', async () => {
    const auth = provider({ fetchMemberships: true });
    const eve = emu.createUser({ email: 'eve@acme.test' });
    for (let i = 0; i < 120; i += 1) {
      const org = emu.createOrganization({ name: `Org ${i}` });
      emu.createMembership({ userId: eve.id, organizationId: org.id });
    }
    emu.resetCalls();
    const user = await auth.authenticateToken(await emu.mintAccessToken({ sub: eve.id }), request);
    expect(user?.memberships).toHaveLength(120);
    expect(emu.callCount('listOrganizationMemberships')).toBe(2);
  });

  it('leaves memberships out by default', async () => {
    const user = await provider().authenticateToken(await emu.mintAccessToken({ sub: alice.id }), request);
    expect(user?.memberships).toBeUndefined();
    expect(user?.organizationMembershipId).toBeUndefined();
  });
});

describe('trustJwtClaims and jwtClaims', () => {
  it('builds a service user from claims when WorkOS has no such user (seed example)', async () => {
    const auth = provider({
      trustJwtClaims: true,
      jwtClaims: { organizationId: 'org_id', organizationMembershipId: 'urn:mastra:organization_membership_id' },
    });
    const token = await emu.mintAccessToken({
      sub: 'svc_reporting',
      org_id: acme.id,
      'urn:mastra:organization_membership_id': 'om_service',
      email: 'reporting@acme.test',
    });
    const user = await auth.authenticateToken(token, request);
    expect(user).toMatchObject({
      id: 'svc_reporting',
      workosId: 'svc_reporting',
      email: 'reporting@acme.test',
      name: 'reporting@acme.test',
      organizationId: acme.id,
      organizationMembershipId: 'om_service',
    });
    expect(await auth.authorizeUser(user as WorkOSUser, request)).toBe(true);
  });

  it('without trustJwtClaims an unknown subject is not authenticated', async () => {
    const token = await emu.mintAccessToken({ sub: 'svc_reporting' });
    expect(await provider().authenticateToken(token, request)).toBeNull();
  });

  it('reads custom claim names, URNs and dotted paths', async () => {
    const auth = provider({
      trustJwtClaims: true,
      jwtClaims: {
        userId: 'urn:acme:uid',
        workosId: 'ext.workos.id',
        email: 'ext.mail',
        name: 'display',
        organizationId: 'ext.org',
        organizationMembershipId: 'urn:mastra:organization_membership_id',
      },
    });
    const token = await emu.mintAccessToken({
      sub: 'svc_x',
      'urn:acme:uid': 'acme-42',
      ext: { workos: { id: 'user_svc' }, mail: 'svc@acme.test', org: acme.id },
      display: 'Nightly Job',
      'urn:mastra:organization_membership_id': 'om_1',
    });
    expect(await auth.authenticateToken(token, request)).toMatchObject({
      id: 'acme-42',
      workosId: 'user_svc',
      email: 'svc@acme.test',
      name: 'Nightly Job',
      organizationId: acme.id,
      organizationMembershipId: 'om_1',
    });
  });

  it('takes the membership id from a configured claim for WorkOS users too', async () => {
    const auth = provider({ jwtClaims: { organizationMembershipId: 'urn:mastra:organization_membership_id' } });
    const token = await emu.mintAccessToken({ sub: bob.id, org_id: acme.id, 'urn:mastra:organization_membership_id': 'om_claimed' });
    expect(await auth.authenticateToken(token, request)).toMatchObject({ organizationId: acme.id, organizationMembershipId: 'om_claimed' });
  });

  it('merges mapJwtPayloadToUser under the profile (upstream order): the profile wins, the hook fills gaps', async () => {
    const auth = provider({
      mapJwtPayloadToUser: (payload, user) => ({
        name: `${user.name} (${String(payload.tier)})`, // the profile has a name: it wins
        organizationId: 'org_from_hook', // the profile has none (no org_id claim): the hook's is used
        tier: payload.tier,
      }),
    });
    const user = await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, tier: 'gold' }), request);
    expect(user?.name).toBe('Bob');
    expect(user?.organizationId).toBe('org_from_hook');
    expect((user as unknown as Record<string, unknown>).tier).toBe('gold');
    expect(user?.id).toBe(bob.id);
  });

  it('puts every verified claim on the user, underneath the mapped fields', async () => {
    const token = await emu.mintAccessToken({ sub: bob.id, org_id: acme.id, sid: 'session_1', email: 'claim@evil.test' });
    const user = (await provider().authenticateToken(token, request)) as unknown as Record<string, unknown> | null;
    expect(user).toMatchObject({ sub: bob.id, org_id: acme.id, sid: 'session_1', id: bob.id, sessionId: 'session_1' });
    expect(typeof user?.exp).toBe('number');
    expect(user?.email).toBe('bob@acme.test'); // the WorkOS profile's email, not the claim
  });

  it('denies (null) when mapJwtPayloadToUser throws; a hook cannot remove the id', async () => {
    const logger = new CaptureLogger();
    const throwing = provider({ logger, mapJwtPayloadToUser: () => { throw new Error('boom'); } });
    const token = await emu.mintAccessToken({ sub: bob.id });
    expect(await throwing.authenticateToken(token, request)).toBeNull();
    expect(logger.reasons()).toContain('hook_failed');
    // The profile's fields win over the hook's, so a hook cannot blank the id.
    const idless = provider({ mapJwtPayloadToUser: () => ({ id: '' }) });
    expect((await idless.authenticateToken(token, request))?.id).toBe(bob.id);
  });
});

describe('authorizeUser', () => {
  it('defaults to true exactly when the user has an id and a workosId', async () => {
    const auth = provider();
    expect(await auth.authorizeUser({ id: 'user_1', workosId: 'user_1' }, request)).toBe(true);
    expect(await auth.authorizeUser({ id: '', workosId: 'user_1' }, request)).toBe(false);
    expect(await auth.authorizeUser({ id: 'user_1', workosId: '' } as WorkOSUser, request)).toBe(false);
    expect(await auth.authorizeUser(undefined as unknown as WorkOSUser, request)).toBe(false);
  });

  it('supports the seed page AdminOnlyWorkosAuth subclass as written', async () => {
    class AdminOnlyWorkosAuth extends MastraAuthWorkos {
      async authorizeUser(user: WorkOSUser) {
        return user?.metadata?.role === 'admin';
      }
    }
    const auth = new AdminOnlyWorkosAuth({ ...emu.connection, logger: new CaptureLogger() });
    const admin = await auth.authenticateToken(await emu.mintAccessToken({ sub: alice.id, org_id: acme.id, role: 'admin' }), request);
    const member = await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, org_id: acme.id, role: 'member' }), request);
    expect(await auth.authorizeUser(admin as WorkOSUser)).toBe(true);
    expect(await auth.authorizeUser(member as WorkOSUser)).toBe(false);
  });

  it('accepts authorizeUser as an option, bound to the provider', async () => {
    const auth = provider({ authorizeUser: (user) => user.organizationId === acme.id });
    const inAcme = await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, org_id: acme.id }), request);
    const inGlobex = await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, org_id: globex.id }), request);
    expect(await auth.authorizeUser(inAcme as WorkOSUser, request)).toBe(true);
    expect(await auth.authorizeUser(inGlobex as WorkOSUser, request)).toBe(false);
  });
});

describe('token checks', () => {
  it('accepts both default WorkOS issuer forms and nothing else', async () => {
    const auth = provider();
    for (const iss of [emu.issuer, emu.baseUrl]) {
      expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, iss }), request)).not.toBeNull();
    }
    for (const iss of [`${emu.baseUrl}/`, 'https://api.workos.com', `${emu.issuer}x`, undefined]) {
      expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, iss }), request)).toBeNull();
    }
  });

  it('replaces the allow-list with the issuer option (custom auth domain)', async () => {
    const auth = provider({ issuer: ['https://auth.acme.test', 'https://login.acme.test'] });
    expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, iss: 'https://auth.acme.test' }), request)).not.toBeNull();
    expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id }), request)).toBeNull();
    const single = provider({ issuer: 'https://login.acme.test' });
    expect(await single.authenticateToken(await emu.mintAccessToken({ sub: bob.id, iss: 'https://login.acme.test' }), request)).not.toBeNull();
  });

  it('requires aud to match audience, and refuses tokens with an aud when none is configured', async () => {
    const withAud = await emu.mintAccessToken({ sub: bob.id, aud: 'mcp://acme' });
    const without = await emu.mintAccessToken({ sub: bob.id });
    expect(await provider().authenticateToken(without, request)).not.toBeNull();
    expect(await provider().authenticateToken(withAud, request)).toBeNull();
    const strict = provider({ audience: 'mcp://acme' });
    expect(await strict.authenticateToken(withAud, request)).not.toBeNull();
    expect(await strict.authenticateToken(without, request)).toBeNull();
    expect(await strict.authenticateToken(await emu.mintAccessToken({ sub: bob.id, aud: 'mcp://other' }), request)).toBeNull();
  });

  it('applies clockTolerance to exp', async () => {
    const token = await emu.mintAccessToken({ sub: bob.id, expiresIn: -20 });
    expect(await provider().authenticateToken(token, request)).toBeNull();
    expect(await provider({ clockTolerance: 60 }).authenticateToken(token, request)).not.toBeNull();
  });

  it('refuses tokens older than maxTokenAge, and tokens without iat when it is set', async () => {
    const now = Math.floor(Date.now() / 1000);
    const auth = provider({ maxTokenAge: 600 });
    expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, iat: now - 60 }), request)).not.toBeNull();
    expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, iat: now - 3600, exp: now + 600 }), request)).toBeNull();
    expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, iat: undefined }), request)).toBeNull();
    // Without the option only exp limits a token.
    expect(await provider().authenticateToken(await emu.mintAccessToken({ sub: bob.id, iat: now - 3600, exp: now + 600 }), request)).not.toBeNull();
    expect(() => provider({ maxTokenAge: -1 })).toThrow(/maxTokenAge/);
  });

  it('accepts only the configured algorithms', async () => {
    const token = await emu.mintAccessToken({ sub: bob.id });
    expect(await provider({ algorithms: ['ES256'] }).authenticateToken(token, request)).toBeNull();
    expect(await provider({ algorithms: ['ES256', 'RS256'] }).authenticateToken(token, request)).not.toBeNull();
  });

  it('requires exp and sub', async () => {
    const auth = provider();
    expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, exp: undefined }), request)).toBeNull();
    expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: '' }), request)).toBeNull();
    expect(emu.callCount('getUser')).toBe(0);
  });

  it('rejects tokens longer than maxTokenLength before any key fetch', async () => {
    const auth = provider({ maxTokenLength: 2048 });
    const big = await emu.mintAccessToken({ sub: bob.id, padding: 'p'.repeat(3000) });
    emu.resetCalls();
    expect(await auth.authenticateToken(big, request)).toBeNull();
    expect(emu.callCount()).toBe(0);
    expect(await provider({ maxTokenLength: 16_384 }).authenticateToken(big, request)).not.toBeNull();
  });
});

describe('caching and logging', () => {
  it('makes no WorkOS call on a warm request', async () => {
    const auth = provider({ fetchMemberships: true });
    await auth.authenticateToken(await emu.mintAccessToken({ sub: alice.id, org_id: acme.id }), request);
    emu.resetCalls();
    const again = await auth.authenticateToken(await emu.mintAccessToken({ sub: alice.id, org_id: acme.id }), request);
    expect(again?.organizationMembershipId).toBe(aliceAcme.id);
    expect(emu.callCount()).toBe(0);
    expect(auth.getStats()).toMatchObject({ cachedUsers: 1 });
  });

  it('cache: false calls WorkOS for every request', async () => {
    const auth = provider({ cache: false });
    const token = await emu.mintAccessToken({ sub: bob.id });
    await auth.authenticateToken(token, request);
    await auth.authenticateToken(token, request);
    expect(emu.callCount('getUser')).toBe(2);
  });

  it('re-reads the user after cache.ttlMs', async () => {
    const clock = new ManualClock();
    const auth = provider({ cache: { ttlMs: 50 }, clock });
    const token = await emu.mintAccessToken({ sub: bob.id });
    await auth.authenticateToken(token, request);
    clock.advance(49);
    await auth.authenticateToken(token, request);
    expect(emu.callCount('getUser')).toBe(1); // still within the TTL
    clock.advance(1);
    await auth.authenticateToken(token, request);
    expect(emu.callCount('getUser')).toBe(2);
  });

  it('evicts beyond cache.maxSize', async () => {
    const auth = provider({ cache: { maxSize: 1 } });
    await auth.authenticateToken(await emu.mintAccessToken({ sub: alice.id }), request);
    await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id }), request);
    await auth.authenticateToken(await emu.mintAccessToken({ sub: alice.id }), request);
    expect(emu.callCount('getUser')).toBe(3);
    expect(auth.getStats().cachedUsers).toBe(1);
  });

  it('fails closed within requestTimeoutMs when WorkOS hangs, logging once without secrets', async () => {
    const logger = new CaptureLogger();
    const auth = provider({ requestTimeoutMs: 100, logger });
    emu.injectFault('getUser', { hang: true });
    try {
      const first = await emu.mintAccessToken({ sub: bob.id });
      const second = await emu.mintAccessToken({ sub: alice.id });
      expect(await auth.authenticateToken(first, request)).toBeNull();
      expect(await auth.authenticateToken(second, request)).toBeNull();
      const upstream = logger.lines.filter((line) => line.level === 'warn');
      expect(upstream.length).toBeGreaterThanOrEqual(1);
      expect(logger.reasons().filter((reason) => reason === 'upstream_timeout')).toHaveLength(1);
      expect(logger.text).not.toContain(first);
      expect(logger.text).not.toContain(emu.apiKey);
    } finally {
      emu.clearFaults();
    }
  });

  it('logs a rejection reason once per window', async () => {
    const logger = new CaptureLogger();
    const auth = provider({ logger });
    for (let i = 0; i < 5; i += 1) await auth.authenticateToken(await emu.mintAccessToken({ sub: bob.id, expiresIn: -600 }), request);
    expect(logger.reasons().filter((reason) => reason === 'token_expired')).toHaveLength(1);
  });
});
