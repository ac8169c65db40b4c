import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  WorkOSFGARequestError,
  WorkOSFGAResourceNotFoundError,
  WorkOSFGAUpstreamError,
  type MastraFGAWorkos,
} from '../../src/fga';
import { startWorkOSEmulator, type EmulatorMembership, type WorkOSEmulator } from '../../src/testing';
import { fgaFor, seedOrganizations, type FGAWorld } from './helpers';

let emu: WorkOSEmulator;
let world: FGAWorld;
let membership: EmulatorMembership;
let fga: MastraFGAWorkos;

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  world = seedOrganizations(emu);
  const user = emu.createUser({ email: 'admin@acme.test' });
  membership = emu.createMembership({ userId: user.id, organizationId: world.acme.id });
  fga = fgaFor(emu, { organizationId: world.acme.id }).fga;
});

afterAll(async () => {
  await emu?.stop();
});

beforeEach(() => {
  emu.clearFaults();
  emu.resetCalls();
});

describe('resources', () => {
  it("creates, reads, updates, lists and deletes resources in Mastra's FGAResource shape", async () => {
    const team = await fga.createResource({
      externalId: 'platform',
      name: 'Platform team',
      resourceTypeSlug: 'team',
      organizationId: world.acme.id,
    });
    expect(team).toEqual({
      id: expect.stringMatching(/^authz_resource_/),
      externalId: 'platform',
      name: 'Platform team',
      description: null,
      resourceTypeSlug: 'team',
      organizationId: world.acme.id,
      parentResourceId: null,
    });
    const agent = await fga.createResource({
      externalId: 'weather',
      name: 'Weather agent',
      description: 'Forecasts',
      resourceTypeSlug: 'agent',
      organizationId: world.acme.id,
      parentResourceExternalId: 'platform',
      parentResourceTypeSlug: 'team',
    });
    expect(agent).toMatchObject({ externalId: 'weather', description: 'Forecasts', parentResourceId: team.id });
    expect(Object.keys(agent).sort()).toEqual(['description', 'externalId', 'id', 'name', 'organizationId', 'parentResourceId', 'resourceTypeSlug']);

    expect(await fga.getResource(agent.id)).toEqual(agent);
    expect(await fga.updateResource({ resourceId: agent.id, name: 'Weather', description: null })).toEqual({
      ...agent,
      name: 'Weather',
      description: null,
    });
    expect((await fga.listResources({ resourceTypeSlug: 'agent' })).map((r) => r.externalId)).toEqual(['weather']);
    expect((await fga.listResources({ parentResourceId: team.id })).map((r) => r.externalId)).toEqual(['weather']);
    expect((await fga.listResources({ search: 'PLAT' })).map((r) => r.externalId)).toEqual(['platform']);

    await fga.deleteResource({ externalId: 'weather', resourceTypeSlug: 'agent' }); // configured organization
    await expect(fga.getResource(agent.id)).rejects.toBeInstanceOf(WorkOSFGAResourceNotFoundError);
    await fga.deleteResource({ resourceId: team.id });
    expect(await fga.listResources()).toEqual([]);
  });

  it('lists every page without a limit, and one page with one', async () => {
    for (let i = 0; i < 120; i += 1) {
      emu.createResource({ organizationId: world.acme.id, resourceTypeSlug: 'doc', externalId: `doc-${i}` });
    }
    emu.resetCalls();
    expect(await fga.listResources({ resourceTypeSlug: 'doc' })).toHaveLength(120);
    expect(emu.callCount('authorization.listResources')).toBe(2);
    expect(await fga.listResources({ resourceTypeSlug: 'doc', limit: 10 })).toHaveLength(10);
    expect(emu.callCount('authorization.listResources')).toBe(3);
  });

  it('throws typed errors: 404 for unknown resources, WorkOS 409/422 passed through, 503 for outages', async () => {
    const missing = await fga.getResource('authz_resource_nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(WorkOSFGAResourceNotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'fga_resource_not_found', resource: { resourceId: 'authz_resource_nope' } });
    await expect(fga.updateResource({ resourceId: 'authz_resource_nope', name: 'x' })).rejects.toBeInstanceOf(WorkOSFGAResourceNotFoundError);
    await expect(fga.deleteResource({ resourceId: 'authz_resource_nope' })).rejects.toBeInstanceOf(WorkOSFGAResourceNotFoundError);

    await fga.createResource({ externalId: 'dup', name: 'Dup', resourceTypeSlug: 'agent', organizationId: world.acme.id });
    const conflict = await fga
      .createResource({ externalId: 'dup', name: 'Dup', resourceTypeSlug: 'agent', organizationId: world.acme.id })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(WorkOSFGAUpstreamError);
    expect(conflict).toMatchObject({ status: 409, upstreamStatus: 409, code: 'fga_upstream_error' });
    expect((conflict as Error).message).toContain('already exists');

    emu.injectFault('authorization.listResources', { status: 502 });
    const outage = await fga.listResources().catch((e: unknown) => e);
    expect(outage).toMatchObject({ status: 503, upstreamStatus: 502 });
    expect((outage as Error).message).not.toContain(emu.apiKey);
  });

  it('rejects bad input before calling WorkOS', async () => {
    const bad: Array<() => Promise<unknown>> = [
      () => fga.createResource({ externalId: '', name: 'x', resourceTypeSlug: 'agent', organizationId: world.acme.id }),
      () => fga.createResource({ externalId: 'x', name: 'x', resourceTypeSlug: 'agent', organizationId: world.acme.id, parentResourceExternalId: 'p' }),
      () => fga.createResource(null as never),
      () => fga.getResource(undefined as never),
      () => fga.updateResource({ resourceId: 'r', description: 5 as never }),
      () => fga.deleteResource({}),
      () => fga.deleteResource({ externalId: 'x' }),
      () => fga.listResources({ limit: 500 }),
      () => fga.assignRole({ organizationMembershipId: membership.id, roleSlug: 'agent-runner' }),
      () => fga.removeRole({ organizationMembershipId: '', roleSlug: 'agent-runner', resourceId: 'r' }),
      () => fga.listRoleAssignments({} as never),
    ];
    for (const call of bad) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkOSFGARequestError);
      expect(error).toMatchObject({ status: 400, code: 'fga_invalid_request' });
    }
    expect(emu.callCount()).toBe(0);
  });

  it('a configured organization is the default for creation; without one, it is required', async () => {
    const created = await fga.createResource({ externalId: 'implicit', name: 'Implicit', resourceTypeSlug: 'agent' } as never);
    expect(created.organizationId).toBe(world.acme.id);
    const unconfigured = fgaFor(emu).fga;
    await expect(
      unconfigured.createResource({ externalId: 'x', name: 'x', resourceTypeSlug: 'agent' } as never),
    ).rejects.toBeInstanceOf(WorkOSFGARequestError);
  });
});

describe('role assignments', () => {
  it("assigns, lists and removes roles in Mastra's FGARoleAssignment shape", async () => {
    const project = await fga.createResource({ externalId: 'apollo', name: 'Apollo', resourceTypeSlug: 'project', organizationId: world.acme.id });
    const assignment = await fga.assignRole({
      organizationMembershipId: membership.id,
      roleSlug: 'agent-viewer',
      resourceExternalId: 'apollo',
      resourceTypeSlug: 'project',
    });
    expect(assignment).toEqual({
      id: expect.stringMatching(/^role_assignment_/),
      role: { slug: 'agent-viewer' },
      resource: { id: project.id, externalId: 'apollo', resourceTypeSlug: 'project' },
    });
    await fga.assignRole({ organizationMembershipId: membership.id, roleSlug: 'agent-runner', resourceId: project.id });
    expect((await fga.listRoleAssignments({ organizationMembershipId: membership.id })).map((a) => a.role.slug).sort()).toEqual([
      'agent-runner',
      'agent-viewer',
    ]);
    expect(await fga.listRoleAssignments({ organizationMembershipId: membership.id, limit: 1 })).toHaveLength(1);

    await fga.removeRole({ organizationMembershipId: membership.id, roleSlug: 'agent-viewer', resourceId: project.id });
    expect(await fga.listRoleAssignments({ organizationMembershipId: membership.id })).toEqual([
      expect.objectContaining({ role: { slug: 'agent-runner' } }),
    ]);
  });

  it("reports WorkOS's 404 for an unknown membership or role", async () => {
    const project = await fga.createResource({ externalId: 'gemini', name: 'Gemini', resourceTypeSlug: 'project', organizationId: world.acme.id });
    const unknownMembership = await fga
      .assignRole({ organizationMembershipId: 'om_nope', roleSlug: 'agent-viewer', resourceId: project.id })
      .catch((e: unknown) => e);
    expect(unknownMembership).toMatchObject({ status: 404, code: 'fga_upstream_error' });
    const notAssigned = await fga
      .removeRole({ organizationMembershipId: membership.id, roleSlug: 'agent-viewer', resourceId: project.id })
      .catch((e: unknown) => e);
    expect(notAssigned).toBeInstanceOf(WorkOSFGAUpstreamError);
    expect(notAssigned).toMatchObject({ status: 404 });
  });
});
