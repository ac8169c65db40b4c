import type { EmulatorOrganization, EmulatorUser, WorkOSEmulator } from '../src/testing';

export interface DemoDirectory {
  org: EmulatorOrganization;
  admin: EmulatorUser;
  member: EmulatorUser;
  memberMembershipId: string;
}

/** One organization with an admin and a plain member, as WorkOS would hold them. */
export function seedDirectory(emu: WorkOSEmulator): DemoDirectory {
  const org = emu.createOrganization({ name: 'Acme Weather', domains: ['acme.test'] });
  const admin = emu.createUser({ email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' });
  const member = emu.createUser({ email: 'bob@acme.test', firstName: 'Bob', lastName: 'Builder' });
  emu.createMembership({ userId: admin.id, organizationId: org.id, role: 'admin' });
  const membership = emu.createMembership({ userId: member.id, organizationId: org.id, role: 'member' });
  return { org, admin, member, memberMembershipId: membership.id };
}

/**
 * WorkOS Authorization data for the FGA step: both agents are registered resources, and the
 * member holds the `agent-runner` role (which grants `agents:execute`) on `weatherAgent` only.
 */
export function seedAuthorization(emu: WorkOSEmulator, directory: DemoDirectory): void {
  emu.defineRole({ slug: 'agent-runner', permissions: ['agents:read', 'agents:execute'] });
  const weather = emu.createResource({ organizationId: directory.org.id, resourceTypeSlug: 'agent', externalId: 'weatherAgent', name: 'Weather agent' });
  emu.createResource({ organizationId: directory.org.id, resourceTypeSlug: 'agent', externalId: 'vaultAgent', name: 'Vault agent' });
  emu.assignRole({ organizationMembershipId: directory.memberMembershipId, roleSlug: 'agent-runner', resourceId: weather.id });
}
