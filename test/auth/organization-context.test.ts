/** Which organization a user is in when the token names none (upstream's rule, counting active memberships). */
import { noopLogger } from '@mastra/core/logger';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MastraAuthWorkos } from '../../src';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';

let emu: WorkOSEmulator;
beforeAll(async () => {
  emu = await startWorkOSEmulator();
});
afterAll(() => emu?.stop());

it('one active membership sets the organization; several leave it unset; pending ones do not count', async () => {
  const auth = new MastraAuthWorkos({ ...emu.connection, fetchMemberships: true, logger: noopLogger });
  const acme = emu.createOrganization({ name: 'Acme' });
  const globex = emu.createOrganization({ name: 'Globex' });

  const solo = emu.createUser({ email: 'solo@context.test' });
  const soloAcme = emu.createMembership({ userId: solo.id, organizationId: acme.id, role: 'admin' });
  emu.createMembership({ userId: solo.id, organizationId: globex.id, role: 'member', status: 'pending' });
  expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: solo.id }))).toMatchObject({
    organizationId: acme.id,
    organizationIdSource: 'memberships',
    organizationMembershipId: soloAcme.id,
    metadata: { role: 'admin' },
  });

  const both = emu.createUser({ email: 'both@context.test' });
  emu.createMembership({ userId: both.id, organizationId: acme.id, role: 'admin' });
  const bothGlobex = emu.createMembership({ userId: both.id, organizationId: globex.id, role: 'member' });
  const ambiguous = await auth.authenticateToken(await emu.mintAccessToken({ sub: both.id }));
  expect(ambiguous?.organizationId).toBeUndefined();
  expect(ambiguous?.organizationMembershipId).toBeUndefined();
  expect(ambiguous?.memberships).toHaveLength(2);
  // The token's org_id settles it.
  expect(await auth.authenticateToken(await emu.mintAccessToken({ sub: both.id, org_id: globex.id }))).toMatchObject({
    organizationId: globex.id,
    organizationIdSource: 'token',
    organizationMembershipId: bothGlobex.id,
  });
});
