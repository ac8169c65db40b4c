/**
 * Authorization API routes (src/testing/routes-authorization.ts, authorization.ts): checks,
 * resources, role assignments, listResourcesForMembership and roles, through the real SDK.
 */
import { ConflictException, NotFoundException, type WorkOS } from '@workos-inc/node';
import { describe, expect, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { seedMember, useEmulator } from './helpers';

describe('WorkOS emulator (through the real @workos-inc/node SDK)', () => {
  let emu!: WorkOSEmulator;
  let workos!: WorkOS;
  useEmulator((started) => ({ emu, workos } = started));

  describe('Authorization API', () => {
    /** org → workspace → project, plus a second project elsewhere. */
    function seedTree() {
      const { org, user, membership } = seedMember(emu, 'member');
      emu.defineRole({ slug: 'member', permissions: ['org:read'] });
      emu.defineRole({ slug: 'workspace-editor', permissions: ['projects:read', 'projects:write'] });
      emu.defineRole({ slug: 'project-viewer', permissions: ['projects:read'] });
      const workspace = emu.createResource({ organizationId: org.id, resourceTypeSlug: 'workspace', externalId: 'ws-1' });
      const project = emu.createResource({
        organizationId: org.id,
        resourceTypeSlug: 'project',
        externalId: 'p-1',
        name: 'Project 1',
        parentResourceId: workspace.id,
      });
      const loose = emu.createResource({ organizationId: org.id, resourceTypeSlug: 'project', externalId: 'p-2' });
      return { org, user, membership, workspace, project, loose };
    }

    it('check: organization roles grant on every resource of the organization', async () => {
      const { membership, project } = seedTree();
      const check = (permissionSlug: string) =>
        workos.authorization.check({ organizationMembershipId: membership.id, permissionSlug, resourceId: project.id });
      await expect(check('org:read')).resolves.toEqual({ authorized: true });
      await expect(check('projects:read')).resolves.toEqual({ authorized: false });

      emu.updateMembership(membership.id, { status: 'inactive' });
      await expect(check('org:read')).resolves.toEqual({ authorized: false });
    });

    it('check: role assignments inherit down the parent chain; by id or external id', async () => {
      const { membership, workspace, project, loose } = seedTree();
      const assignment = emu.assignRole({ organizationMembershipId: membership.id, roleSlug: 'workspace-editor', resourceId: workspace.id });
      expect(assignment).toMatchObject({
        organizationMembershipId: membership.id,
        role: { slug: 'workspace-editor' },
        source: { type: 'direct', groupRoleAssignmentId: null },
      });

      const base = { organizationMembershipId: membership.id, permissionSlug: 'projects:write' };
      await expect(workos.authorization.check({ ...base, resourceId: project.id })).resolves.toEqual({ authorized: true });
      await expect(
        workos.authorization.check({ ...base, resourceExternalId: 'p-1', resourceTypeSlug: 'project' }),
      ).resolves.toEqual({ authorized: true });
      await expect(workos.authorization.check({ ...base, resourceId: loose.id })).resolves.toEqual({ authorized: false });

      await expect(workos.authorization.check({ ...base, resourceId: 'authz_resource_missing' })).rejects.toMatchObject({
        status: 404,
        code: 'entity_not_found',
      });
      await expect(
        workos.authorization.check({ ...base, resourceExternalId: 'nope', resourceTypeSlug: 'project' }),
      ).rejects.toBeInstanceOf(NotFoundException);
      await expect(
        workos.authorization.check({ ...base, organizationMembershipId: 'om_missing', resourceId: project.id }),
      ).rejects.toBeInstanceOf(NotFoundException);
      expect(emu.callCount('authorization.check')).toBe(6);
    });

    it('resources CRUD by id and by external id', async () => {
      const org = emu.createOrganization({ name: 'R' });
      const created = await workos.authorization.createResource({
        organizationId: org.id,
        resourceTypeSlug: 'doc',
        externalId: 'doc-1',
        name: 'Doc 1',
        description: 'first',
      });
      expect(created).toMatchObject({
        object: 'authorization_resource',
        externalId: 'doc-1',
        name: 'Doc 1',
        description: 'first',
        organizationId: org.id,
        parentResourceId: null,
      });
      expect(created.id).toMatch(/^authz_resource_01/);
      const child = await workos.authorization.createResource({
        organizationId: org.id,
        resourceTypeSlug: 'page',
        externalId: 'page-1',
        name: 'Page 1',
        parentResourceExternalId: 'doc-1',
        parentResourceTypeSlug: 'doc',
      });
      expect(child.parentResourceId).toBe(created.id);

      await expect(workos.authorization.getResource(created.id)).resolves.toEqual(created);
      await expect(
        workos.authorization.getResourceByExternalId({ organizationId: org.id, resourceTypeSlug: 'doc', externalId: 'doc-1' }),
      ).resolves.toEqual(created);
      await expect(
        workos.authorization.createResource({ organizationId: org.id, resourceTypeSlug: 'doc', externalId: 'doc-1', name: 'dup' }),
      ).rejects.toBeInstanceOf(ConflictException);

      await expect(workos.authorization.updateResource({ resourceId: created.id, name: 'Renamed' })).resolves.toMatchObject({
        name: 'Renamed',
        description: 'first',
      });
      await expect(
        workos.authorization.updateResourceByExternalId({
          organizationId: org.id,
          resourceTypeSlug: 'doc',
          externalId: 'doc-1',
          description: null,
        }),
      ).resolves.toMatchObject({ name: 'Renamed', description: null });

      const listed = await workos.authorization.listResources({ organizationId: org.id, order: 'asc' });
      expect(listed.data.map((r) => r.id)).toEqual([created.id, child.id]);
      const children = await workos.authorization.listResources({ parentResourceId: created.id });
      expect(children.data.map((r) => r.id)).toEqual([child.id]);
      const byParentExternal = await workos.authorization.listResources({
        organizationId: org.id,
        parentExternalId: 'doc-1',
        parentResourceTypeSlug: 'doc',
      });
      expect(byParentExternal.data.map((r) => r.id)).toEqual([child.id]);
      const pages = await workos.authorization.listResources({ resourceTypeSlug: 'page' });
      expect(pages.data).toHaveLength(1);

      // A resource with children is only deleted with cascade.
      await expect(workos.authorization.deleteResource({ resourceId: created.id })).rejects.toBeInstanceOf(ConflictException);
      await workos.authorization.deleteResourceByExternalId({
        organizationId: org.id,
        resourceTypeSlug: 'page',
        externalId: 'page-1',
      });
      await workos.authorization.deleteResource({ resourceId: created.id, cascadeDelete: true });
      await expect(workos.authorization.getResource(created.id)).rejects.toBeInstanceOf(NotFoundException);
      expect(emu.calls.filter((c) => c.route.startsWith('authorization.delete')).map((c) => c.status)).toEqual([409, 204, 204]);
    });

    it('role assignments: assign, list, remove by role and by id (v11 shape)', async () => {
      const { membership, workspace, project } = seedTree();
      const assigned = await workos.authorization.assignRole({
        organizationMembershipId: membership.id,
        roleSlug: 'project-viewer',
        resourceExternalId: 'p-1',
        resourceTypeSlug: 'project',
      });
      expect(assigned).toMatchObject({
        object: 'role_assignment',
        organizationMembershipId: membership.id,
        role: { slug: 'project-viewer' },
        resource: { id: project.id, externalId: 'p-1', resourceTypeSlug: 'project' },
        source: { type: 'direct', groupRoleAssignmentId: null },
      });
      const second = await workos.authorization.assignRole({
        organizationMembershipId: membership.id,
        roleSlug: 'workspace-editor',
        resourceId: workspace.id,
      });

      const listed = await workos.authorization.listRoleAssignments({ organizationMembershipId: membership.id, order: 'asc' });
      expect(listed.data.map((a) => a.id)).toEqual([assigned.id, second.id]);
      const filtered = await workos.authorization.listRoleAssignments({
        organizationMembershipId: membership.id,
        resourceId: workspace.id,
      });
      expect(filtered.data.map((a) => a.id)).toEqual([second.id]);

      await expect(
        workos.authorization.assignRole({ organizationMembershipId: membership.id, roleSlug: 'undeclared', resourceId: project.id }),
      ).rejects.toBeInstanceOf(NotFoundException);

      await workos.authorization.removeRole({
        organizationMembershipId: membership.id,
        roleSlug: 'project-viewer',
        resourceId: project.id,
      });
      await workos.authorization.removeRoleAssignment({ organizationMembershipId: membership.id, roleAssignmentId: second.id });
      const empty = await workos.authorization.listRoleAssignments({ organizationMembershipId: membership.id });
      expect(empty.data).toEqual([]);
      await expect(
        workos.authorization.removeRoleAssignment({ organizationMembershipId: membership.id, roleAssignmentId: second.id }),
      ).rejects.toBeInstanceOf(NotFoundException);
    });

    it('listResourcesForMembership: descendants the membership holds a permission on, paginated', async () => {
      const { org, membership, workspace, project } = seedTree();
      const more = Array.from({ length: 3 }, (_, i) =>
        emu.createResource({ organizationId: org.id, resourceTypeSlug: 'project', externalId: `w-${i}`, parentResourceId: workspace.id }),
      );
      const nested = emu.createResource({ organizationId: org.id, resourceTypeSlug: 'task', externalId: 't-1', parentResourceId: project.id });

      const none = await workos.authorization.listResourcesForMembership({
        organizationMembershipId: membership.id,
        permissionSlug: 'projects:read',
        parentResourceId: workspace.id,
      });
      expect(none.data).toEqual([]);

      emu.assignRole({ organizationMembershipId: membership.id, roleSlug: 'project-viewer', resourceId: workspace.id });
      const firstPage = await workos.authorization.listResourcesForMembership({
        organizationMembershipId: membership.id,
        permissionSlug: 'projects:read',
        parentResourceExternalId: 'ws-1',
        parentResourceTypeSlug: 'workspace',
        limit: 3,
        order: 'asc',
      });
      const expected = [project.id, ...more.map((r) => r.id), nested.id];
      expect(firstPage.data.map((r) => r.id)).toEqual(expected.slice(0, 3));
      expect(firstPage.listMetadata.after).toBe(expected[2]);
      const all = await firstPage.autoPagination(); // limit given → first page only (SDK semantics)
      expect(all).toHaveLength(3);

      const everything = await workos.authorization.listResourcesForMembership({
        organizationMembershipId: membership.id,
        permissionSlug: 'projects:read',
        parentResourceId: workspace.id,
      });
      expect((await everything.autoPagination()).map((r) => r.id).sort()).toEqual([...expected].sort());

      await expect(
        workos.authorization.listResourcesForMembership({
          organizationMembershipId: membership.id,
          permissionSlug: 'projects:read',
          parentResourceId: 'authz_resource_missing',
        }),
      ).rejects.toBeInstanceOf(NotFoundException);
    });

    it('lists environment roles, organization roles and permissions', async () => {
      const { org } = seedTree();
      const roles = await workos.authorization.listEnvironmentRoles();
      expect(roles.data.map((r) => r.slug)).toEqual(['member', 'workspace-editor', 'project-viewer']);
      expect(roles.data[1]).toMatchObject({ object: 'role', type: 'EnvironmentRole', permissions: ['projects:read', 'projects:write'] });
      const orgRoles = await workos.authorization.listOrganizationRoles(org.id);
      expect(orgRoles.data.map((r) => r.slug)).toEqual(['member', 'workspace-editor', 'project-viewer']);
      await expect(workos.authorization.listOrganizationRoles('org_missing')).rejects.toBeInstanceOf(NotFoundException);

      const permissions = await workos.authorization.listPermissions({ order: 'asc' });
      expect(permissions.data.map((p) => p.slug)).toEqual(['org:read', 'projects:read', 'projects:write']);
      expect(permissions.data[0]).toMatchObject({ object: 'permission', system: false });
      expect(emu.callCount('authorization.listRoles')).toBe(3);
      expect(emu.callCount('authorization.listPermissions')).toBe(1);
    });

    it('lists custom roles only for their organization, with their resource type', async () => {
      const { org } = seedTree();
      const other = emu.createOrganization({ name: 'Other' });
      emu.defineRole({ slug: 'team-lead', permissions: ['projects:write'], resourceTypeSlug: 'team' });
      emu.defineRole({ slug: 'org-auditor', permissions: ['projects:read'], organizationId: org.id, resourceTypeSlug: 'project' });
      expect(() => emu.defineRole({ slug: 'ghost-role', permissions: [], organizationId: 'org_missing' })).toThrow();

      const environment = await workos.authorization.listEnvironmentRoles();
      expect(environment.data.map((r) => r.slug)).toEqual(['member', 'workspace-editor', 'project-viewer', 'team-lead']);
      expect(environment.data[3]).toMatchObject({ resourceTypeSlug: 'team', type: 'EnvironmentRole' });

      const ofOrg = await workos.authorization.listOrganizationRoles(org.id);
      expect(ofOrg.data.map((r) => r.slug)).toEqual(['member', 'workspace-editor', 'project-viewer', 'team-lead', 'org-auditor']);
      expect(ofOrg.data[4]).toMatchObject({ object: 'role', type: 'OrganizationRole', resourceTypeSlug: 'project', permissions: ['projects:read'] });
      expect((await workos.authorization.listOrganizationRoles(other.id)).data.map((r) => r.slug)).not.toContain('org-auditor');
    });

    it('deleting a membership drops its role assignments', async () => {
      const { membership, workspace } = seedTree();
      emu.assignRole({ organizationMembershipId: membership.id, roleSlug: 'project-viewer', resourceId: workspace.id });
      emu.deleteMembership(membership.id);
      await expect(
        workos.authorization.listRoleAssignments({ organizationMembershipId: membership.id }),
      ).rejects.toBeInstanceOf(NotFoundException);
    });
  });
});
