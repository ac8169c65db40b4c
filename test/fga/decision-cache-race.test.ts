/**
 * Regression: with the FGA decision cache on, a role removed while a check is in flight must not
 * leave the stale "allowed" answer cached for the TTL.
 */
import { noopLogger } from '@mastra/core/logger';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { MastraAuthWorkos, MastraFGAWorkos, type WorkOSUser } from '../../src';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';

let emu: WorkOSEmulator;

beforeAll(async () => {
  emu = await startWorkOSEmulator();
});

afterAll(async () => {
  await emu?.stop();
});

it('removeRole during an in-flight check: the stale "allowed" is not cached', async () => {
  emu.defineRole({ slug: 'agent-runner', permissions: ['agents:read', 'agents:execute'] });
  const org = emu.createOrganization({ name: 'Race Org' });
  const person = emu.createUser({ email: 'runner@race.test' });
  const membership = emu.createMembership({ userId: person.id, organizationId: org.id, role: 'member' });
  const agent = emu.createResource({ organizationId: org.id, resourceTypeSlug: 'agent', externalId: 'weather' });
  emu.assignRole({ organizationMembershipId: membership.id, roleSlug: 'agent-runner', resourceId: agent.id });

  const auth = new MastraAuthWorkos({ ...emu.connection, logger: noopLogger, fetchMemberships: true });
  const user = (await auth.authenticateToken(await emu.mintAccessToken({ sub: person.id, org_id: org.id }))) as WorkOSUser;
  expect(user.organizationMembershipId).toBe(membership.id);
  const fga = new MastraFGAWorkos({ ...emu.connection, logger: noopLogger, cache: { ttlMs: 60_000, maxSize: 100 } });
  const execute = { resource: { type: 'agent', id: 'weather' }, permission: 'agents:execute' };

  const checksBefore = emu.callCount('authorization.check');
  emu.injectFault('authorization.check', { delayResponseMs: 150, times: 1 });
  const inFlight = fga.check(user, execute);
  await vi.waitFor(() => expect(emu.callCount('authorization.check')).toBe(checksBefore + 1));

  await fga.removeRole({ organizationMembershipId: membership.id, roleSlug: 'agent-runner', resourceId: agent.id });

  expect(await inFlight).toBe(true); // answered before the removal
  expect(await fga.check(user, execute)).toBe(false); // not served from a stale cache entry
  expect(emu.callCount('authorization.check')).toBe(checksBefore + 2);
});
