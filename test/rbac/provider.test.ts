import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { MastraAuthWorkos, type WorkOSUser } from '../../src';
import { MastraRBACWorkos, type MastraRBACWorkosOptions } from '../../src/rbac';
import { WorkOSConfigError } from '../../src/shared/errors';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';

const ROLE_MAPPING = { admin: ['*'], member: ['agents:read', 'workflows:*'], _default: [] };
const MEMBERSHIPS = 'listOrganizationMemberships';

let emu: WorkOSEmulator;
let acme: { id: string };
let globex: { id: string };
let alice: { id: string }; // admin in Acme, member in Globex
let bob: { id: string }; // member + ops in Acme
let carol: { id: string }; // contractor (unmapped) in Acme
let dave: { id: string }; // inactive in Acme
let erin: { id: string }; // no memberships

function rbac(options: Partial<MastraRBACWorkosOptions> = {}, logger = new CaptureLogger()) {
  return new MastraRBACWorkos({ ...emu.connection, roleMapping: ROLE_MAPPING, logger, ...options });
}

/** A user as `MastraAuthWorkos` hands it over (no token claims, no memberships). */
function plainUser(id: string, extra: Partial<WorkOSUser> = {}): WorkOSUser {
  return { id, workosId: id, email: `${id}@test`, ...extra } as WorkOSUser;
}

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  acme = emu.createOrganization({ name: 'Acme' });
  globex = emu.createOrganization({ name: 'Globex' });
  alice = emu.createUser({ email: 'alice@acme.test' });
  bob = emu.createUser({ email: 'bob@acme.test' });
  carol = emu.createUser({ email: 'carol@acme.test' });
  dave = emu.createUser({ email: 'dave@acme.test' });
  erin = emu.createUser({ email: 'erin@acme.test' });
  emu.createMembership({ userId: alice.id, organizationId: acme.id, role: 'admin' });
  emu.createMembership({ userId: alice.id, organizationId: globex.id, role: 'member' });
  emu.createMembership({ userId: bob.id, organizationId: acme.id, role: 'member', roles: ['member', 'ops'] });
  emu.createMembership({ userId: carol.id, organizationId: acme.id, role: 'contractor' });
  emu.createMembership({ userId: dave.id, organizationId: acme.id, role: 'admin', status: 'inactive' });
});

afterAll(async () => {
  await emu?.stop();
});

beforeEach(() => emu.resetCalls());
afterEach(() => emu.clearFaults());

describe('roles from the verified token', () => {
  it('uses role/roles of the token organization without calling WorkOS', async () => {
    const provider = rbac();
    const user = plainUser(bob.id, { organizationId: acme.id, role: 'member', roles: ['member', 'ops'] });
    expect(await provider.getRoles(user)).toEqual(['member', 'ops']);
    expect(await provider.getPermissions(user)).toEqual(['agents:read', 'workflows:*']);
    expect(await provider.hasRole(user, 'ops')).toBe(true);
    expect(emu.callCount()).toBe(0);
  });

  it('works end to end with a token verified by MastraAuthWorkos', async () => {
    const auth = new MastraAuthWorkos({ ...emu.connection, logger: new CaptureLogger() });
    const provider = rbac();
    const token = await emu.mintAccessToken({ sub: alice.id, org_id: acme.id, role: 'admin' });
    const user = await auth.authenticateToken(token);
    expect(user).not.toBeNull();
    emu.resetCalls();
    expect(await provider.getPermissions(user!)).toEqual(['*']);
    expect(await provider.hasPermission(user!, 'observability:delete')).toBe(true);
    expect(emu.callCount(MEMBERSHIPS)).toBe(0);
  });

  it('does not apply the token role to another configured organization', async () => {
    // Alice's token says admin in Acme; the app only counts Globex, where she is a member.
    const provider = rbac({ organizationId: globex.id });
    const user = plainUser(alice.id, { organizationId: acme.id, role: 'admin' });
    expect(await provider.getRoles(user)).toEqual(['member']);
    expect(await provider.hasPermission(user, 'tools:read')).toBe(false);
    expect(emu.callCount(MEMBERSHIPS)).toBe(1);
    const [call] = emu.calls;
    expect(call?.route).toBe(MEMBERSHIPS);
  });

  it('uses the token role when the configured organization is the token organization', async () => {
    const provider = rbac({ organizationId: acme.id });
    const user = plainUser(alice.id, { organizationId: acme.id, role: 'admin' });
    expect(await provider.getPermissions(user)).toEqual(['*']);
    expect(emu.callCount()).toBe(0);
  });
});

describe('roles from memberships', () => {
  it('uses memberships the auth provider loaded (fetchMemberships) without another call', async () => {
    const auth = new MastraAuthWorkos({ ...emu.connection, fetchMemberships: true, logger: new CaptureLogger() });
    const user = await auth.authenticateToken(await emu.mintAccessToken({ sub: alice.id }));
    expect(user?.memberships).toHaveLength(2);
    emu.resetCalls();
    const globexOnly = rbac({ organizationId: globex.id });
    expect(await globexOnly.getRoles(user!)).toEqual(['member']);
    expect(emu.callCount()).toBe(0);
  });

  it('asks WorkOS for the user organization, caches it, and unions multiple roles', async () => {
    const provider = rbac();
    const user = plainUser(bob.id, { organizationId: acme.id });
    expect(await provider.getRoles(user)).toEqual(['member', 'ops']);
    expect(await provider.getPermissions(user)).toEqual(['agents:read', 'workflows:*']);
    expect(await provider.hasPermission(user, 'workflows:execute')).toBe(true);
    expect(await provider.hasPermission(user, 'agents:execute')).toBe(false);
    expect(emu.callCount(MEMBERSHIPS)).toBe(1);
    expect(provider.getStats()).toEqual({ workosApiCalls: 1, cachedEntries: 1 });
  });

  it('unions the roles of the active memberships when no organization is known', async () => {
    const provider = rbac();
    expect((await provider.getRoles(plainUser(alice.id))).sort()).toEqual(['admin', 'member']);
    expect(emu.callCount(MEMBERSHIPS)).toBe(1);
  });

  it('caches per user and organization', async () => {
    const provider = rbac();
    expect(await provider.getRoles(plainUser(alice.id, { organizationId: acme.id }))).toEqual(['admin']);
    expect(await provider.getRoles(plainUser(alice.id, { organizationId: globex.id }))).toEqual(['member']);
    expect(await provider.getRoles(plainUser(alice.id, { organizationId: acme.id }))).toEqual(['admin']);
    expect(emu.callCount(MEMBERSHIPS)).toBe(2);
  });

  it('gives unmapped roles _default; inactive or missing memberships mean no roles, hence _default (upstream)', async () => {
    const provider = rbac({ roleMapping: { ...ROLE_MAPPING, _default: ['agents:read'] } });
    expect(await provider.getPermissions(plainUser(carol.id, { organizationId: acme.id }))).toEqual(['agents:read']);
    expect(await provider.getRoles(plainUser(dave.id, { organizationId: acme.id }))).toEqual([]);
    expect(await provider.getPermissions(plainUser(dave.id, { organizationId: acme.id }))).toEqual(['agents:read']);
    expect(await provider.getPermissions(plainUser(erin.id))).toEqual(['agents:read']);
    expect(await provider.getPermissions(plainUser(bob.id, { organizationId: globex.id }))).toEqual(['agents:read']);
    // With an empty _default, no roles means nothing.
    expect(await rbac().getPermissions(plainUser(erin.id))).toEqual([]);
  });

  it('never hands out _default on a WorkOS failure, and does not cache the failure', async () => {
    const provider = rbac({ roleMapping: { ...ROLE_MAPPING, _default: ['agents:read'] } });
    const user = plainUser(bob.id, { organizationId: acme.id });
    emu.injectFault(MEMBERSHIPS, { status: 503, times: 1 });
    expect(await provider.getPermissions(user)).toEqual([]);
    expect(await provider.hasPermission(user, 'agents:read')).toBe(true); // the next call asks again and succeeds
    expect(emu.callCount(MEMBERSHIPS)).toBe(2);
    expect(provider.getCacheStats()).toEqual({ size: 1, maxSize: 1000 });
  });

  it('shares one WorkOS call between concurrent requests for the same user', async () => {
    const provider = rbac();
    emu.injectFault(MEMBERSHIPS, { delayMs: 100, times: 1 });
    const user = plainUser(bob.id, { organizationId: acme.id });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, index) => (index % 2 ? provider.getPermissions(user) : provider.getRoles(user))),
    );
    expect(results.filter((_, index) => index % 2 === 0)).toEqual(Array(13).fill(['member', 'ops']));
    expect(emu.callCount(MEMBERSHIPS)).toBe(1);
  });

  it('sees a role change once the TTL has passed', async () => {
    const frank = emu.createUser({ email: 'frank@acme.test' });
    const membership = emu.createMembership({ userId: frank.id, organizationId: acme.id, role: 'member' });
    const clock = new ManualClock();
    const provider = rbac({ cache: { ttlMs: 600 }, clock });
    const user = plainUser(frank.id, { organizationId: acme.id });
    expect(await provider.hasPermission(user, 'tools:read')).toBe(false);
    emu.updateMembership(membership.id, { role: 'admin' });
    expect(await provider.hasPermission(user, 'tools:read')).toBe(false); // still cached
    expect(emu.callCount(MEMBERSHIPS)).toBe(1);
    clock.advance(599);
    expect(await provider.hasPermission(user, 'tools:read')).toBe(false); // 1 ms before the TTL ends
    clock.advance(1);
    expect(await provider.hasPermission(user, 'tools:read')).toBe(true);
    expect(emu.callCount(MEMBERSHIPS)).toBe(2);
    provider.clearCache();
    emu.updateMembership(membership.id, { role: 'member' });
    expect(await provider.hasPermission(user, 'tools:read')).toBe(false);
  });

  it('with cache false, asks WorkOS every time', async () => {
    const provider = rbac({ cache: false });
    const user = plainUser(bob.id, { organizationId: acme.id });
    await provider.getRoles(user);
    await provider.getRoles(user);
    expect(emu.callCount(MEMBERSHIPS)).toBe(2);
  });
});

describe('WorkOS failures fail closed and log once', () => {
  it('a 5xx denies everything, logs one warning, is not cached', async () => {
    const logger = new CaptureLogger();
    const provider = rbac({}, logger);
    const user = plainUser(bob.id, { organizationId: acme.id });
    emu.injectFault(MEMBERSHIPS, { status: 500 });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await provider.getPermissions(user)).toEqual([]);
      expect(await provider.getRoles(user)).toEqual([]);
      expect(await provider.hasPermission(user, 'agents:read')).toBe(false);
    }
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.args[0]).toMatchObject({
      reason: 'upstream_unavailable',
      component: 'MastraRBACWorkos',
      operation: 'listOrganizationMemberships',
      status: 500,
    });
    expect(logger.text).not.toContain(emu.connection.apiKey);
    emu.clearFaults();
    expect(await provider.getPermissions(user)).toEqual(['agents:read', 'workflows:*']);
  });

  it('a 429 stops calls until Retry-After', async () => {
    const logger = new CaptureLogger();
    const provider = rbac({}, logger);
    emu.injectFault(MEMBERSHIPS, { status: 429, headers: { 'Retry-After': '30' }, times: 1 });
    expect(await provider.getRoles(plainUser(bob.id, { organizationId: acme.id }))).toEqual([]);
    expect(await provider.getRoles(plainUser(alice.id, { organizationId: acme.id }))).toEqual([]);
    expect(emu.callCount(MEMBERSHIPS)).toBe(1);
    expect(logger.reasons()).toEqual(['upstream_rate_limited']);
    expect(logger.lines[0]?.args[0]).toMatchObject({ status: 429, retryAfterSec: 30 });
  });

  it('a hung WorkOS is cut off by requestTimeoutMs', async () => {
    const logger = new CaptureLogger();
    const provider = rbac({ requestTimeoutMs: 200 }, logger);
    emu.injectFault(MEMBERSHIPS, { hang: true, times: 1 });
    expect(await provider.getPermissions(plainUser(bob.id, { organizationId: acme.id }))).toEqual([]);
    expect(logger.reasons()).toEqual(['upstream_timeout']);
  });

  it('a wrong API key denies and says so', async () => {
    const logger = new CaptureLogger();
    const provider = rbac({ apiKey: 'sk_test_wrong_key_123' }, logger);
    expect(await provider.getPermissions(plainUser(bob.id, { organizationId: acme.id }))).toEqual([]);
    expect(logger.reasons()).toEqual(['upstream_unauthorized']);
    expect(logger.text).not.toContain('sk_test_wrong_key_123');
  });
});

describe('bad input gets a clear answer, never a crash', () => {
  it('non-users have no roles and no permissions, without calling WorkOS', async () => {
    const provider = rbac();
    for (const junk of [undefined, null, 'user_x', 42, {}, { id: '' }]) {
      expect(await provider.getRoles(junk as never)).toEqual([]);
      expect(await provider.getPermissions(junk as never)).toEqual([]);
      expect(await provider.hasPermission(junk as never, 'agents:read')).toBe(false);
    }
    expect(emu.callCount()).toBe(0);
  });

  it('odd permission arguments are answered, not thrown', async () => {
    const provider = rbac();
    const admin = plainUser(alice.id, { organizationId: acme.id, role: 'admin' });
    expect(await provider.hasPermission(admin, '' as never)).toBe(false);
    expect(await provider.hasPermission(admin, 7 as never)).toBe(false);
    expect(await provider.hasRole(admin, undefined as never)).toBe(false);
    expect(await provider.hasAllPermissions(admin, 'agents:read' as never)).toBe(false);
    expect(await provider.hasAllPermissions(admin, ['agents:read', null] as never)).toBe(false);
    expect(await provider.hasAllPermissions(admin, ['agents:read', 'tools:execute'])).toBe(true);
    expect(await provider.hasAnyPermission(admin, null as never)).toBe(false);
    expect(await provider.hasAnyPermission(admin, [null, 'agents:read'] as never)).toBe(true);
    expect(await provider.getPermissionsForRole(undefined as never)).toEqual([]);
  });

  it('results are copies: mutating them changes nothing', async () => {
    const provider = rbac();
    const user = plainUser(bob.id, { organizationId: acme.id });
    (await provider.getPermissions(user)).push('*');
    (await provider.getRoles(user)).push('admin');
    expect(await provider.getPermissions(user)).toEqual(['agents:read', 'workflows:*']);
    expect(await provider.hasRole(user, 'admin')).toBe(false);
  });
});

describe('per-user invalidation', () => {
  it('clearUserCache drops one user in every organization, including a lookup in flight; others stay cached', async () => {
    const provider = rbac();
    const bobAcme = plainUser(bob.id, { organizationId: acme.id });
    const aliceAcme = plainUser(alice.id, { organizationId: acme.id });
    await provider.getRoles(bobAcme);
    await provider.getRoles(aliceAcme);
    expect(emu.callCount(MEMBERSHIPS)).toBe(2);

    emu.injectFault(MEMBERSHIPS, { delayResponseMs: 100, times: 1 });
    const bobGlobex = plainUser(bob.id, { organizationId: globex.id });
    const inFlight = provider.getRoles(bobGlobex);
    await vi.waitFor(() => expect(emu.callCount(MEMBERSHIPS)).toBe(3));
    provider.clearUserCache(bob.id);
    await inFlight;

    await provider.getRoles(aliceAcme); // still cached
    await provider.getRoles(bobAcme); // dropped: asked again
    await provider.getRoles(bobGlobex); // the in-flight answer was not stored: asked again
    expect(emu.callCount(MEMBERSHIPS)).toBe(5);
  });
});

describe('role listing (Studio "View as role")', () => {
  it('lists mapped roles and resolves a role’s permissions, with _default for others', async () => {
    const provider = rbac({ roleMapping: { ...ROLE_MAPPING, _default: ['agents:read'] } });
    expect(await provider.getAvailableRoles()).toEqual([
      { id: 'admin', name: 'Admin' },
      { id: 'member', name: 'Member' },
    ]);
    expect(await provider.getPermissionsForRole('member')).toEqual(['agents:read', 'workflows:*']);
    expect(await provider.getPermissionsForRole('unknown')).toEqual(['agents:read']);
    expect(provider.roleMapping).toEqual({ ...ROLE_MAPPING, _default: ['agents:read'] });
    expect(emu.callCount()).toBe(0);
  });
});

describe('construction', () => {
  it('falls back to the WORKOS_* environment variables', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, emu.env());
    try {
      const provider = new MastraRBACWorkos({ roleMapping: ROLE_MAPPING, logger: new CaptureLogger() });
      expect(await provider.getRoles(plainUser(bob.id, { organizationId: acme.id }))).toEqual(['member', 'ops']);
    } finally {
      process.env = saved;
    }
  });

  it('names the options and env vars when credentials are missing', () => {
    const saved = { ...process.env };
    delete process.env.WORKOS_API_KEY;
    delete process.env.WORKOS_CLIENT_ID;
    try {
      const error = (() => {
        try {
          new MastraRBACWorkos({ roleMapping: ROLE_MAPPING });
        } catch (caught) {
          return caught as WorkOSConfigError;
        }
        throw new Error('expected an error');
      })();
      expect(error).toBeInstanceOf(WorkOSConfigError);
      expect(error.message).toMatch(/MastraRBACWorkos/);
      for (const name of ['apiKey', 'clientId', 'WORKOS_API_KEY', 'WORKOS_CLIENT_ID']) expect(error.message).toContain(name);
    } finally {
      process.env = saved;
    }
  });

  it('requires roleMapping before anything else', () => {
    expect(() => new MastraRBACWorkos({ ...emu.connection } as never)).toThrow(/roleMapping.*required/);
    expect(() => new MastraRBACWorkos(undefined as never)).toThrow(WorkOSConfigError);
  });

  it('warns once about patterns no built-in route checks', () => {
    const logger = new CaptureLogger();
    rbac({ roleMapping: { member: ['agent:read', 'agents:read'] } }, logger);
    expect(logger.reasons()).toEqual(['unknown_permission_pattern']);
    expect(logger.lines[0]?.args[0]).toMatchObject({ patterns: ['agent:read'] });
  });
});
