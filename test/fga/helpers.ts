import type { OrganizationMembership } from '@workos-inc/node';
import { MastraFGAWorkos, type MastraFGAWorkosOptions } from '../../src/fga';
import type { WorkOSUser } from '../../src';
import type { EmulatorMembership, EmulatorOrganization, EmulatorUser, WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';

/**
 * The permission model every FGA test uses (see src/testing/authorization.ts for the rule):
 * - org role `member` grants nothing by itself; org role `auditor` grants `agents:read` org-wide;
 * - resource roles: `agent-runner` (agents:read + agents:execute), `agent-viewer` (agents:read),
 *   `team-member` (agents:read, inherited by every agent under the team).
 */
export function defineRoles(emu: WorkOSEmulator): void {
  emu.defineRole({ slug: 'member', permissions: [] });
  emu.defineRole({ slug: 'auditor', permissions: ['agents:read'] });
  emu.defineRole({ slug: 'agent-runner', permissions: ['agents:read', 'agents:execute'] });
  emu.defineRole({ slug: 'agent-viewer', permissions: ['agents:read'] });
  emu.defineRole({ slug: 'team-member', permissions: ['agents:read'] });
  emu.defineRole({ slug: 'runner-by-slug', permissions: ['run-agent'] });
}

/** The membership as the SDK returns it (what MastraAuthWorkos puts in `user.memberships`). */
export function asSdkMembership(membership: EmulatorMembership): OrganizationMembership {
  return membership as unknown as OrganizationMembership;
}

/** A user as MastraAuthWorkos builds it with `fetchMemberships: true`. */
export function workosUser(
  user: EmulatorUser,
  memberships: EmulatorMembership[],
  overrides: Partial<WorkOSUser> = {},
): WorkOSUser {
  const first = memberships.find((m) => m.status === 'active');
  return {
    id: user.id,
    workosId: user.id,
    email: user.email,
    name: user.email,
    memberships: memberships.map(asSdkMembership),
    ...(first && { organizationId: first.organizationId, organizationMembershipId: first.id }),
    ...overrides,
  };
}

export interface FGAWorld {
  emu: WorkOSEmulator;
  acme: EmulatorOrganization;
  globex: EmulatorOrganization;
}

export function seedOrganizations(emu: WorkOSEmulator): FGAWorld {
  defineRoles(emu);
  return {
    emu,
    acme: emu.createOrganization({ name: 'Acme' }),
    globex: emu.createOrganization({ name: 'Globex' }),
  };
}

/** A provider against the emulator, with a capturing logger. */
export function fgaFor(
  emu: WorkOSEmulator,
  options: MastraFGAWorkosOptions = {},
): { fga: MastraFGAWorkos; logger: CaptureLogger } {
  const logger = new CaptureLogger();
  const fga = new MastraFGAWorkos({ ...emu.connection, logger, ...options });
  return { fga, logger };
}

/** Waits (bounded) until `condition` holds; for observing requests that are still in flight. */
export async function waitUntil(condition: () => boolean, what: string, maxPolls = 500): Promise<void> {
  for (let poll = 0; poll < maxPolls; poll += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting until ${what}`);
}

