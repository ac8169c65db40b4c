import type { EmulatorOrganization, EmulatorUser, WorkOSEmulator } from '../src/testing';

export interface DemoDirectory {
  org: EmulatorOrganization;
  admin: EmulatorUser;
  member: EmulatorUser;
}

/** One organization with an admin and a plain member, as WorkOS would hold them. */
export function seedDirectory(emu: WorkOSEmulator): DemoDirectory {
  const org = emu.createOrganization({ name: 'Acme Weather', domains: ['acme.test'] });
  const admin = emu.createUser({ email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' });
  const member = emu.createUser({ email: 'bob@acme.test', firstName: 'Bob', lastName: 'Builder' });
  emu.createMembership({ userId: admin.id, organizationId: org.id, role: 'admin' });
  emu.createMembership({ userId: member.id, organizationId: org.id, role: 'member' });
  return { org, admin, member };
}
