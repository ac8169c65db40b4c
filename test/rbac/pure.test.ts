import { describe, expect, it } from 'vitest';
import { WorkOSConfigError } from '../../src/shared/errors';
import { resolveRBACSettings } from '../../src/rbac/options';
import { compileRoleMapping, isKnownPermissionPattern, RoleMapper } from '../../src/rbac/role-mapping';
import { membershipRoles, planRoleLookup, tokenRolesOf } from '../../src/rbac/role-source';

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

const CREDENTIALS = { apiKey: 'sk_test_pure', clientId: 'client_pure' };

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

  it('gives a user without roles the _default grant (upstream)', () => {
    expect(new RoleMapper({ _default: ['agents:read'] }).permissionsForRoles([])).toEqual(['agents:read']);
    expect(new RoleMapper({ admin: ['*'] }).permissionsForRoles([])).toEqual([]);
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
    const settings = resolveRBACSettings({ ...CREDENTIALS, roleMapping: UPSTREAM_EXAMPLE });
    expect(settings.roleMapper.toRoleMapping()).toEqual(UPSTREAM_EXAMPLE);
    expect(settings).toMatchObject({
      organizationId: undefined,
      cache: { maxSize: 1000, ttlMs: 60_000 },
      requestTimeoutMs: 5000,
    });
    expect(resolveRBACSettings({ ...CREDENTIALS, roleMapping: {}, cache: false }).cache).toBe(false);
    expect(resolveRBACSettings({ ...CREDENTIALS, roleMapping: {}, cache: { ttlMs: 10 } }).cache).toEqual({ maxSize: 1000, ttlMs: 10 });
  });

  it('rejects bad numbers and organization ids, naming the option', () => {
    expect(configError(() => resolveRBACSettings({ ...CREDENTIALS, roleMapping: {}, cache: { maxSize: 0 } })).option).toBe('cache.maxSize');
    expect(configError(() => resolveRBACSettings({ ...CREDENTIALS, roleMapping: {}, cache: { maxSize: 1.5 } })).option).toBe('cache.maxSize');
    expect(configError(() => resolveRBACSettings({ ...CREDENTIALS, roleMapping: {}, cache: { ttlMs: -1 } })).option).toBe('cache.ttlMs');
    expect(configError(() => resolveRBACSettings({ ...CREDENTIALS, roleMapping: {}, cache: { ttlMs: Number.NaN } })).option).toBe('cache.ttlMs');
    expect(configError(() => resolveRBACSettings({ ...CREDENTIALS, roleMapping: {}, requestTimeoutMs: 0 })).option).toBe('requestTimeoutMs');
    expect(configError(() => resolveRBACSettings({ ...CREDENTIALS, roleMapping: {}, organizationId: ' ' })).option).toBe('organizationId');
    expect(configError(() => resolveRBACSettings({ ...CREDENTIALS, roleMapping: {}, cache: 'big' as never })).option).toBe('cache');
    // The 300 s cap on WorkOS-derived answers applies to RBAC too.
    expect(configError(() => resolveRBACSettings({ ...CREDENTIALS, roleMapping: {}, cache: { ttlMs: 300_001 } })).option).toBe('cache.ttlMs');
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
    // No organization context: the union over the active memberships.
    expect(planRoleLookup(user, undefined)).toMatchObject({ roles: ['member', 'ops', 'admin'] });
    expect(planRoleLookup({ ...user, organizationId: 'org_c' }, undefined)).toMatchObject({ roles: ['admin'] });
    expect(planRoleLookup({ ...user, organizationId: 'org_c', role: 'viewer' }, 'org_b')).toMatchObject({
      from: 'memberships',
      roles: ['member', 'ops'],
    });
  });

  it('falls back to WorkOS for the user organization, else all active memberships', () => {
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
    expect(planRoleLookup({ ...member, memberships: [null, 'x', { organizationId: 'o', status: 'active', role: { slug: 'r' } }] }, 'o')).toMatchObject({
      roles: ['r'],
    });
  });
});
