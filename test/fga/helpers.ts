import { MastraFGAWorkos, type MastraFGAWorkosOptions } from '../../src/fga';
import { MastraAuthWorkos, type WorkOSUser } from '../../src';
import type { EmulatorOrganization, EmulatorUser, WorkOSEmulator } from '../../src/testing';
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

export interface SignInOptions {
  /** The organization the token names (`org_id`), as after signing in to it; default: none. */
  organizationId?: string;
  /** Default `true`: memberships read from WorkOS, as FGA needs them. */
  fetchMemberships?: boolean;
  /** Applied to the user the provider returned, for cases about users lacking a field. */
  overrides?: Partial<WorkOSUser>;
}

/**
 * The user exactly as `MastraAuthWorkos` hands it to Mastra: an access token minted by the
 * emulator, verified and resolved by a real provider on the emulator (`fetchMemberships: true`
 * unless said otherwise), so its memberships are what WorkOS returned.
 */
export async function signedInUser(emu: WorkOSEmulator, user: EmulatorUser, options: SignInOptions = {}): Promise<WorkOSUser> {
  const auth = new MastraAuthWorkos({
    ...emu.connection,
    fetchMemberships: options.fetchMemberships ?? true,
    logger: new CaptureLogger(),
  });
  const token = await emu.mintAccessToken({
    sub: user.id,
    ...(options.organizationId !== undefined && { org_id: options.organizationId }),
  });
  const signedIn = await auth.authenticateToken(token);
  if (signedIn === null) throw new Error(`MastraAuthWorkos rejected the token of ${user.email}`);
  return { ...signedIn, ...options.overrides };
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

