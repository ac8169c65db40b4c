/**
 * User Management routes (src/testing/routes-user-management.ts): users, organizations and
 * organization memberships, through the real SDK.
 */
import { NotFoundException, type WorkOS } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { seedMember, useEmulator, wireForm } from './helpers';

describe('WorkOS emulator (through the real @workos-inc/node SDK)', () => {
  let emu!: WorkOSEmulator;
  let workos!: WorkOS;
  useEmulator((started) => ({ emu, workos } = started));

  describe('users and organizations', () => {
    it('getUser returns the user exactly as seeded', async () => {
      const user = emu.createUser({
        email: 'grace@navy.test',
        firstName: 'Grace',
        lastName: 'Hopper',
        metadata: { team: 'cobol' },
        externalId: 'ext-1',
        locale: 'en-US',
      });
      expect(user.id).toMatch(/^user_01[0-9A-HJKMNP-TV-Z]{24}$/);
      const fetched = await workos.userManagement.getUser(user.id);
      expect(wireForm(fetched)).toEqual(user);
      expect(fetched.name).toBe('Grace Hopper');
      expect(fetched.emailVerified).toBe(true);
    });

    it('getUser of an unknown id raises NotFoundException (404, entity_not_found)', async () => {
      const error = await workos.userManagement.getUser('user_missing').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundException);
      expect(error).toMatchObject({ status: 404, code: 'entity_not_found' });
      expect((error as NotFoundException).requestID).toMatch(/^req_emulator_/);
    });

    it('decodes percent-encoded path ids', async () => {
      const user = emu.createUser({ id: 'user_odd/id with:chars', email: 'odd@x.test' });
      await expect(workos.userManagement.getUser(user.id)).resolves.toMatchObject({ id: 'user_odd/id with:chars' });
    });

    it('updateUser and deleteUser are visible through the API', async () => {
      const user = emu.createUser({ email: 'a@x.test', firstName: 'A' });
      emu.updateUser(user.id, { lastName: 'B', metadata: { k: 'v' } });
      await expect(workos.userManagement.getUser(user.id)).resolves.toMatchObject({ name: 'A B', metadata: { k: 'v' } });
      emu.deleteUser(user.id);
      await expect(workos.userManagement.getUser(user.id)).rejects.toBeInstanceOf(NotFoundException);
      expect(() => emu.createUser({ email: 'dup@x.test' }) && emu.createUser({ email: 'DUP@x.test' })).toThrow(/already used/);
    });

    it('getOrganization includes domains (required by SDK v11)', async () => {
      const org = emu.createOrganization({ name: 'Initech', domains: ['initech.test'] });
      const fetched = await workos.organizations.getOrganization(org.id);
      expect(wireForm(fetched)).toEqual(org);
      expect(fetched.domains).toMatchObject([{ domain: 'initech.test', organizationId: org.id, state: 'verified' }]);
      await expect(workos.organizations.getOrganization('org_missing')).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('organization memberships', () => {
    it('filters by user and organization, and returns only active ones by default', async () => {
      const orgA = emu.createOrganization({ name: 'A' });
      const orgB = emu.createOrganization({ name: 'B' });
      const alice = emu.createUser({ email: 'alice@x.test' });
      const bob = emu.createUser({ email: 'bob@x.test' });
      const aliceA = emu.createMembership({ userId: alice.id, organizationId: orgA.id, role: 'admin' });
      const aliceB = emu.createMembership({ userId: alice.id, organizationId: orgB.id, status: 'inactive' });
      const bobA = emu.createMembership({ userId: bob.id, organizationId: orgA.id, roles: ['editor', 'viewer'] });

      const ofAlice = await workos.userManagement.listOrganizationMemberships({ userId: alice.id });
      expect(ofAlice.data.map((m) => m.id)).toEqual([aliceA.id]);
      expect(wireForm(ofAlice.data[0])).toEqual(aliceA);
      expect(aliceA.organizationName).toBe('A');

      const inactive = await workos.userManagement.listOrganizationMemberships({ userId: alice.id, statuses: ['inactive'] });
      expect(inactive.data.map((m) => m.id)).toEqual([aliceB.id]);

      const ofOrgA = await workos.userManagement.listOrganizationMemberships({ organizationId: orgA.id, order: 'asc' });
      expect(ofOrgA.data.map((m) => m.id)).toEqual([aliceA.id, bobA.id]);
      expect(ofOrgA.data[1]).toMatchObject({ role: { slug: 'editor' }, roles: [{ slug: 'editor' }, { slug: 'viewer' }] });

      const both = await workos.userManagement.listOrganizationMemberships({ userId: alice.id, organizationId: orgB.id });
      expect(both.data).toEqual([]);
    });

    it('getOrganizationMembership returns any status, 404 when unknown', async () => {
      const { membership } = seedMember(emu);
      const inactive = emu.updateMembership(membership.id, { status: 'inactive', role: 'owner' });
      expect(inactive.roles).toEqual([{ slug: 'owner' }]);
      expect(wireForm(await workos.userManagement.getOrganizationMembership(membership.id))).toEqual(inactive);
      await expect(workos.userManagement.getOrganizationMembership('om_missing')).rejects.toBeInstanceOf(NotFoundException);
    });
  });
});
