/**
 * Fleet mode for MastraRBACWorkos and MastraFGAWorkos: three instances against one real
 * redis-server and the emulator over HTTP with the real WorkOS SDK. Counts WorkOS calls.
 */
import { describe, expect, it } from 'vitest';
import { MastraRBACWorkos, type WorkOSUser } from '../../src';
import { MastraFGAWorkos } from '../../src/fga';
import type { EmulatorOrganization, WorkOSEmulator } from '../../src/testing';
import { defineRoles, signedInUser } from '../fga/helpers';
import { requireRedisInCI } from '../helpers/redis-server';
import { CaptureLogger } from '../support/capture-logger';
import { eventually, type StoreFleet, useFleetWorld } from './fleet';

const suite = requireRedisInCI() ? describe : describe.skip;

let emu: WorkOSEmulator;
let acme: EmulatorOrganization;
let fleet: StoreFleet;
let userCount = 0;

const ROLE_MAPPING = { admin: ['*'], member: ['agents:read'] };

/** A user as Mastra hands it to RBAC without token roles or memberships: roles come from WorkOS. */
function rbacUser(role: string): { user: WorkOSUser; membershipId: string } {
  userCount += 1;
  const created = emu.createUser({ email: `rbac-fleet-${userCount}@fleet.test` });
  const membership = emu.createMembership({ userId: created.id, organizationId: acme.id, role });
  return { user: { id: created.id, workosId: created.id, organizationId: acme.id } as WorkOSUser, membershipId: membership.id };
}

suite('MastraRBACWorkos and MastraFGAWorkos on a shared Redis store', () => {
  useFleetWorld((world) => ({ emu, fleet } = world), {
    seed: (started) => {
      defineRoles(started);
      acme = started.createOrganization({ name: 'Acme' });
    },
  });

  it('RBAC: 30 concurrent cold lookups for one user over 3 instances make one WorkOS call', async () => {
    const { user } = rbacUser('member');
    const rbac = fleet.stores.map((store) => new MastraRBACWorkos({ ...emu.connection, roleMapping: ROLE_MAPPING, store, logger: new CaptureLogger() }));
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => rbac[i % 3]!.getPermissions(user)));
    expect(answers).toEqual(Array(30).fill(['agents:read']));
    expect(emu.callCount('listOrganizationMemberships')).toBe(1);
  });

  it('RBAC: a role change cleared on one instance is cleared on every instance and in Redis', async () => {
    const { user, membershipId } = rbacUser('member');
    const rbac = fleet.stores.map((store) => new MastraRBACWorkos({ ...emu.connection, roleMapping: ROLE_MAPPING, store, logger: new CaptureLogger() }));
    for (const provider of rbac) expect(await provider.getRoles(user)).toEqual(['member']);
    expect(emu.callCount('listOrganizationMemberships')).toBe(1);

    emu.updateMembership(membershipId, { role: 'admin' });
    await rbac[2]!.invalidateUser(user.id);
    await eventually(() => rbac.every((provider) => provider.getStats().cachedEntries === 0), 'every instance dropped the roles');
    for (const provider of rbac) expect(await provider.getRoles(user)).toEqual(['admin']);
    expect(emu.callCount('listOrganizationMemberships')).toBe(2);

    // clearCache (every user) travels too.
    await rbac[0]!.clearCache();
    await eventually(() => rbac.every((provider) => provider.getStats().cachedEntries === 0), 'every instance cleared');
    expect(await rbac[1]!.hasPermission(user, 'workflows:execute')).toBe(true);
    expect(emu.callCount('listOrganizationMemberships')).toBe(3);
  });

  it('FGA (cache on): 30 concurrent checks over 3 instances make one WorkOS check; a role change on one instance reaches all', async () => {
    userCount += 1;
    const created = emu.createUser({ email: `fga-fleet-${userCount}@fleet.test` });
    const membership = emu.createMembership({ userId: created.id, organizationId: acme.id, role: 'member' });
    const agent = emu.createResource({ organizationId: acme.id, resourceTypeSlug: 'agent', externalId: `fleet-agent-${userCount}` });
    const user = await signedInUser(emu, created, { organizationId: acme.id });
    const fga = fleet.stores.map((store) => new MastraFGAWorkos({ ...emu.connection, cache: {}, store, logger: new CaptureLogger() }));
    const params = { resource: { type: 'agent', id: agent.externalId }, permission: 'agents:execute' };
    emu.resetCalls();

    const denied = await Promise.all(Array.from({ length: 30 }, (_, i) => fga[i % 3]!.check(user, params)));
    expect(denied).toEqual(Array(30).fill(false));
    expect(emu.callCount('authorization.check')).toBe(1);

    // Granted through instance 0's provider: every instance's cached "no" goes (the message takes a moment).
    await fga[0]!.assignRole({ organizationMembershipId: membership.id, roleSlug: 'agent-runner', resourceId: agent.id });
    expect(await fga[0]!.check(user, params)).toBe(true);
    await eventually(async () => (await Promise.all(fga.map((provider) => provider.check(user, params)))).every(Boolean), 'every instance allows');
    const allowed = await Promise.all(Array.from({ length: 30 }, (_, i) => fga[i % 3]!.check(user, params)));
    expect(allowed).toEqual(Array(30).fill(true));
    expect(emu.callCount('authorization.check')).toBe(2);
  });

  it('FGA with cache: false does not touch the store (every request asks WorkOS)', async () => {
    userCount += 1;
    const created = emu.createUser({ email: `fga-nocache-${userCount}@fleet.test` });
    emu.createMembership({ userId: created.id, organizationId: acme.id, role: 'member' });
    const agent = emu.createResource({ organizationId: acme.id, resourceTypeSlug: 'agent', externalId: `nocache-agent-${userCount}` });
    const user = await signedInUser(emu, created, { organizationId: acme.id });
    const fga = new MastraFGAWorkos({ ...emu.connection, store: fleet.stores[0]!, logger: new CaptureLogger() });
    emu.resetCalls();
    const params = { resource: { type: 'agent', id: agent.externalId }, permission: 'agents:execute' };
    expect(await fga.check(user, params)).toBe(false);
    expect(await fga.check(user, params)).toBe(false);
    expect(emu.callCount('authorization.check')).toBe(2);
    expect(await fleet.admin.keys(`${fleet.prefix}:*:fga:*`)).toEqual([]);
  });
});
