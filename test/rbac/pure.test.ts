import { describe, expect, it } from 'vitest';
import { WorkOSConfigError } from '../../src/shared/config-error';
import { resolveRBACSettings } from '../../src/rbac/options';
import { PermissionCache } from '../../src/rbac/permission-cache';
import { compileRoleMapping, isKnownPermissionPattern, RoleMapper } from '../../src/rbac/role-mapping';
import { membershipRoles, pickMembership, planRoleLookup, tokenRolesOf } from '../../src/rbac/role-source';

const UPSTREAM_EXAMPLE = { admin: ['*'], member: ['agents:read', 'workflows:*'], _default: [] };

function configError(run: () => unknown): WorkOSConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WorkOSConfigError);
    return error as WorkOSConfigError;
  }
  throw new Error('expected a WorkOSConfigError');
}

describe('RoleMapper', () => {
  it('maps roles, unions several, and gives unmapped roles _default', () => {
    const mapper = new RoleMapper({ ...UPSTREAM_EXAMPLE, _default: ['workflows:read'] });
    expect(mapper.permissionsForRoles(['member'])).toEqual(['agents:read', 'workflows:*']);
    expect(mapper.permissionsForRoles(['member', 'admin'])).toEqual(['agents:read', 'workflows:*', '*']);
    expect(mapper.permissionsForRoles(['contractor'])).toEqual(['workflows:read']);
    expect(mapper.permissionsForRoles(['member', 'contractor'])).toEqual(['agents:read', 'workflows:*', 'workflows:read']);
    expect(mapper.permissionsForRole('nobody')).toEqual(['workflows:read']);
    expect(mapper.roleIds()).toEqual(['admin', 'member']);
  });

  it('grants nothing to a user without roles, even when _default grants something', () => {
    const mapper = new RoleMapper({ _default: ['agents:read'] });
    expect(mapper.permissionsForRoles([])).toEqual([]);
  });

  it('without _default, unmapped roles get nothing', () => {
    expect(new RoleMapper({ admin: ['*'] }).permissionsForRoles(['member'])).toEqual([]);
  });

  it('never reaches Object.prototype through a role slug', () => {
    const mapper = new RoleMapper({ admin: ['*'], _default: ['agents:read'] });
    for (const slug of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(mapper.permissionsForRoles([slug])).toEqual(['agents:read']);
    }
  });

  it('is a copy: later edits of the caller object change nothing', () => {
    const mapping: Record<string, string[]> = { member: ['agents:read'] };
    const mapper = new RoleMapper(mapping);
    mapping.member!.push('*');
    mapping.admin = ['*'];
    expect(mapper.permissionsForRoles(['member', 'admin'])).toEqual(['agents:read']);
    const exposed = mapper.toRoleMapping();
    (exposed.member as string[]).push('*');
    expect(mapper.permissionsForRole('member')).toEqual(['agents:read']);
  });

  it('lists patterns no built-in route checks (typos) without rejecting them', () => {
    const mapper = new RoleMapper({ a: ['agent:read', 'agents:read', '*:read', 'stored:*', 'reports:export', '*'] });
    expect(mapper.unknownPatterns).toEqual(['agent:read', 'reports:export']);
    expect(isKnownPermissionPattern('agents:read:my-agent')).toBe(true);
    expect(isKnownPermissionPattern('admin')).toBe(false);
  });
});

describe('compileRoleMapping errors name the option', () => {
  it('requires a mapping', () => {
    expect(configError(() => compileRoleMapping(undefined)).option).toBe('roleMapping');
    expect(configError(() => compileRoleMapping(['admin'])).option).toBe('roleMapping');
    expect(configError(() => compileRoleMapping('admin')).message).toMatch(/roleMapping/);
  });

  it('requires arrays of well-formed patterns', () => {
    expect(configError(() => compileRoleMapping({ admin: '*' })).option).toBe('roleMapping.admin');
    for (const bad of ['', ' ', 'agents read', 'agents::read', ':read', 'a:b:c:d', 42, null]) {
      const error = configError(() => compileRoleMapping({ member: ['agents:read', bad] }));
      expect(error.option).toBe('roleMapping.member');
      expect(error.message).toContain('roleMapping.member');
    }
  });
});

describe('resolveRBACSettings', () => {
  it('applies upstream defaults', () => {
    const settings = resolveRBACSettings({ roleMapping: UPSTREAM_EXAMPLE });
    expect(settings.roleMapper.toRoleMapping()).toEqual(UPSTREAM_EXAMPLE);
    expect(settings).toMatchObject({
      organizationId: undefined,
      cache: { maxSize: 1000, ttlMs: 60_000 },
      requestTimeoutMs: 5000,
    });
    expect(resolveRBACSettings({ roleMapping: {}, cache: false }).cache).toBe(false);
    expect(resolveRBACSettings({ roleMapping: {}, cache: { ttlMs: 10 } }).cache).toEqual({ maxSize: 1000, ttlMs: 10 });
  });

  it('rejects bad numbers and organization ids, naming the option', () => {
    expect(configError(() => resolveRBACSettings({ roleMapping: {}, cache: { maxSize: 0 } })).option).toBe('cache.maxSize');
    expect(configError(() => resolveRBACSettings({ roleMapping: {}, cache: { maxSize: 1.5 } })).option).toBe('cache.maxSize');
    expect(configError(() => resolveRBACSettings({ roleMapping: {}, cache: { ttlMs: -1 } })).option).toBe('cache.ttlMs');
    expect(configError(() => resolveRBACSettings({ roleMapping: {}, cache: { ttlMs: Number.NaN } })).option).toBe('cache.ttlMs');
    expect(configError(() => resolveRBACSettings({ roleMapping: {}, requestTimeoutMs: 0 })).option).toBe('requestTimeoutMs');
    expect(configError(() => resolveRBACSettings({ roleMapping: {}, organizationId: ' ' })).option).toBe('organizationId');
    expect(configError(() => resolveRBACSettings({ roleMapping: {}, cache: 'big' as never })).option).toBe('cache');
  });
});

describe('planRoleLookup: where roles come from', () => {
  const member = { id: 'user_1', workosId: 'user_1' };

  it('uses token roles (role + roles) for the token organization', () => {
    expect(planRoleLookup({ ...member, organizationId: 'org_a', role: 'member', roles: ['member', 'billing'] }, undefined)).toEqual({
      kind: 'known',
      from: 'token',
      roles: ['member', 'billing'],
    });
    expect(planRoleLookup({ ...member, organizationId: 'org_a', role: 'admin' }, 'org_a')).toMatchObject({
      kind: 'known',
      roles: ['admin'],
    });
  });

  it('never applies token roles to another configured organization', () => {
    const user = { ...member, organizationId: 'org_a', role: 'admin' };
    expect(planRoleLookup(user, 'org_b')).toEqual({ kind: 'workos', userId: 'user_1', organizationId: 'org_b' });
    // A token role without org_id cannot be attributed to the configured organization either.
    expect(planRoleLookup({ ...member, role: 'admin' }, 'org_b')).toMatchObject({ kind: 'workos', organizationId: 'org_b' });
    // …not even when the auth provider filled organizationId in from the memberships.
    const filledIn = { ...member, role: 'admin', organizationId: 'org_b', organizationIdSource: 'memberships' };
    expect(planRoleLookup(filledIn, 'org_b')).toMatchObject({ kind: 'workos', organizationId: 'org_b' });
    const withMemberships = { ...filledIn, memberships: [{ organizationId: 'org_b', status: 'active', role: { slug: 'member' } }] };
    expect(planRoleLookup(withMemberships, 'org_b')).toEqual({ kind: 'known', from: 'memberships', roles: ['member'] });
  });

  it('uses loaded memberships for the target organization, active ones only', () => {
    const memberships = [
      { organizationId: 'org_a', status: 'inactive', role: { slug: 'admin' } },
      { organizationId: 'org_b', status: 'active', role: { slug: 'member' }, roles: [{ slug: 'member' }, { slug: 'ops' }] },
      { organizationId: 'org_c', status: 'active', role: { slug: 'admin' } },
    ];
    const user = { ...member, memberships };
    expect(planRoleLookup(user, 'org_b')).toEqual({ kind: 'known', from: 'memberships', roles: ['member', 'ops'] });
    expect(planRoleLookup(user, 'org_a')).toEqual({ kind: 'known', from: 'memberships', roles: [] });
    expect(planRoleLookup(user, undefined)).toMatchObject({ roles: ['member', 'ops'] }); // first active
    expect(planRoleLookup({ ...user, organizationId: 'org_c' }, undefined)).toMatchObject({ roles: ['admin'] });
    expect(planRoleLookup({ ...user, organizationId: 'org_c', role: 'viewer' }, 'org_b')).toMatchObject({
      from: 'memberships',
      roles: ['member', 'ops'],
    });
  });

  it('falls back to WorkOS for the user organization, else the first membership', () => {
    expect(planRoleLookup({ ...member, organizationId: 'org_a' }, undefined)).toEqual({
      kind: 'workos',
      userId: 'user_1',
      organizationId: 'org_a',
    });
    expect(planRoleLookup(member, undefined)).toEqual({ kind: 'workos', userId: 'user_1', organizationId: undefined });
    expect(planRoleLookup({ id: 'service_1' }, undefined)).toMatchObject({ kind: 'workos', userId: 'service_1' });
  });

  it('answers "none" for things that are not users', () => {
    for (const junk of [undefined, null, 'user_1', 42, {}, { id: '' }, { id: 7 }, []]) {
      expect(planRoleLookup(junk, 'org_a')).toEqual({ kind: 'none' });
    }
  });

  it('ignores malformed role claims and membership entries', () => {
    expect(tokenRolesOf({ role: '', roles: ['a', 5, null, 'a', 'b'] })).toEqual(['a', 'b']);
    expect(tokenRolesOf({ roles: 'admin' })).toEqual([]);
    expect(membershipRoles({ role: null, roles: [null, { slug: 3 }, { slug: 'x' }] })).toEqual(['x']);
    expect(pickMembership([null as never, { organizationId: 'o', status: 'active' }], 'o')).toEqual({
      organizationId: 'o',
      status: 'active',
    });
    expect(planRoleLookup({ ...member, memberships: [null, 'x', { organizationId: 'o', status: 'active', role: { slug: 'r' } }] }, 'o')).toMatchObject({
      roles: ['r'],
    });
  });
});

describe('PermissionCache', () => {
  it('shares one load between concurrent misses and serves hits until the TTL', async () => {
    let now = 1_000;
    const cache = new PermissionCache<string>({ maxSize: 10, ttlMs: 100 }, () => now);
    let loads = 0;
    let release!: (value: string) => void;
    const loader = () => {
      loads += 1;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const pending = Array.from({ length: 20 }, () => cache.load('k', loader));
    release('v1');
    expect(await Promise.all(pending)).toEqual(Array(20).fill('v1'));
    expect(loads).toBe(1);
    now += 99;
    expect(await cache.load('k', async () => 'v2')).toBe('v1');
    now += 1;
    expect(await cache.load('k', async () => 'v2')).toBe('v2');
  });

  it('counts the TTL from when the load started, so a slow answer is not served longer', async () => {
    let now = 0;
    const cache = new PermissionCache<string>({ maxSize: 10, ttlMs: 100 }, () => now);
    await cache.load('slow', async () => {
      now += 60; // the upstream call took 60 ms
      return 'v1';
    });
    now += 39;
    expect(await cache.load('slow', async () => 'v2')).toBe('v1');
    now += 1; // 100 ms after the call started
    expect(await cache.load('slow', async () => 'v3')).toBe('v3');
    await cache.load('too-slow', async () => {
      now += 150;
      return 'late';
    });
    expect(cache.size).toBe(1); // 'too-slow' was already stale when it arrived: not stored
  });

  it('does not remember failures', async () => {
    const cache = new PermissionCache<string>({ maxSize: 10, ttlMs: 1000 });
    await expect(cache.load('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.load('k', async () => 'up')).toBe('up');
  });

  it('is bounded (least recently used evicted)', async () => {
    const cache = new PermissionCache<string>({ maxSize: 2, ttlMs: 1000 });
    await cache.load('a', async () => 'a');
    await cache.load('b', async () => 'b');
    await cache.load('a', async () => 'a2'); // hit: a becomes most recent
    await cache.load('c', async () => 'c');
    expect(cache.size).toBe(2);
    expect(await cache.load('a', async () => 'a3')).toBe('a');
    expect(await cache.load('b', async () => 'b2')).toBe('b2');
  });

  it('clear() also discards answers in flight', async () => {
    const cache = new PermissionCache<string>({ maxSize: 10, ttlMs: 1000 });
    let release!: (value: string) => void;
    const inFlight = cache.load('k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.clear();
    const fresh = cache.load('k', async () => 'after-clear');
    release('before-clear');
    expect(await inFlight).toBe('before-clear');
    expect(await fresh).toBe('after-clear');
    expect(await cache.load('k', async () => 'x')).toBe('after-clear');
  });

  it('keys users and organizations apart', () => {
    expect(PermissionCache.keyOf('user_1', 'org_a')).not.toBe(PermissionCache.keyOf('user_1', 'org_b'));
    expect(PermissionCache.keyOf('user_1', undefined)).not.toBe(PermissionCache.keyOf('user_1', 'org_a'));
  });

  it('with cache false, still shares concurrent loads but stores nothing', async () => {
    const cache = new PermissionCache<string>(false);
    let loads = 0;
    const loader = async () => {
      loads += 1;
      return 'v';
    };
    await Promise.all([cache.load('k', loader), cache.load('k', loader)]);
    expect(loads).toBe(1);
    await cache.load('k', loader);
    expect(loads).toBe(2);
  });
});
