/**
 * An app that installed @workos-inc/node 11 passes its own client (`workos` option) and it works:
 * the option is typed structurally, and every call we make exists with the same shape in 11 and 12.
 */
import { noopLogger } from '@mastra/core/logger';
import { WorkOS as WorkOS11 } from 'workos-node-11';
import { WorkOS as WorkOS12 } from '@workos-inc/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MastraAuthWorkos, MastraFGAWorkos, MastraRBACWorkos, WorkOSAdminPortal, type WorkOSUser } from '../../src';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';

let emu: WorkOSEmulator;

beforeAll(async () => {
  emu = await startWorkOSEmulator();
});

afterAll(async () => {
  await emu?.stop();
});

function clientOptions() {
  const { apiHostname, port, https, clientId } = emu.connection;
  return { apiHostname, port, https, clientId, maxRetries: 0 } as const;
}

it.each([
  ['SDK 11', () => new WorkOS11(emu.connection.apiKey, clientOptions())],
  ['SDK 12', () => new WorkOS12(emu.connection.apiKey, clientOptions())],
])('a client from %s drives auth (with memberships), RBAC, FGA and the Admin Portal', async (_name, makeClient) => {
  const workos = makeClient();
  emu.defineRole({ slug: 'agent-runner', permissions: ['agents:execute'] });
  const org = emu.createOrganization({ name: `Org ${_name}` });
  const person = emu.createUser({ email: `app-client-${_name.replace(' ', '')}@compat.test` });
  const membership = emu.createMembership({ userId: person.id, organizationId: org.id, role: 'admin' });
  const agent = emu.createResource({ organizationId: org.id, resourceTypeSlug: 'agent', externalId: `agent-${_name.replace(' ', '')}` });
  emu.assignRole({ organizationMembershipId: membership.id, roleSlug: 'agent-runner', resourceId: agent.id });
  const before = emu.callCount();

  // The client's own API key and client id are used: nothing else to pass.
  const auth = new MastraAuthWorkos({ workos, fetchMemberships: true, logger: noopLogger });
  const user = (await auth.authenticateToken(await emu.mintAccessToken({ sub: person.id, org_id: org.id }))) as WorkOSUser;
  expect(user).toMatchObject({ id: person.id, organizationId: org.id, organizationMembershipId: membership.id });
  expect(typeof user.metadata?.createdAt).toBe('string'); // a string under both majors

  const rbac = new MastraRBACWorkos({ workos, roleMapping: { admin: ['*'] }, logger: noopLogger });
  expect(await rbac.getRoles({ id: person.id, workosId: person.id, organizationId: org.id })).toEqual(['admin']);

  const fga = new MastraFGAWorkos({ workos, logger: noopLogger });
  expect(await fga.check(user, { resource: { type: 'agent', id: agent.externalId }, permission: 'agents:execute' })).toBe(true);

  expect(await new WorkOSAdminPortal(workos).getPortalLink(org.id, 'sso')).toMatch(/^https?:\/\//);
  expect(emu.callCount()).toBeGreaterThan(before); // everything went to the emulator through that client
});
