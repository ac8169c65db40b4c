/** Upstream's organization helpers on MastraAuthWorkos, against the emulator through the real SDK. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MastraAuthWorkos, type WorkOSUser } from '../../src';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';

let emu: WorkOSEmulator;

beforeAll(async () => {
  emu = await startWorkOSEmulator();
});

afterAll(async () => {
  await emu?.stop();
});

beforeEach(() => {
  emu.clearFaults();
  emu.resetCalls();
});

function provider(logger = new CaptureLogger()) {
  return { auth: new MastraAuthWorkos({ ...emu.connection, logger, fetchMemberships: true }), logger };
}

describe('ensureOrganization', () => {
  it('returns the organization of an existing membership without creating anything', async () => {
    const org = emu.createOrganization({ name: 'Acme' });
    const user = emu.createUser({ email: 'member@orgs.test' });
    emu.createMembership({ userId: user.id, organizationId: org.id, role: 'member' });
    expect(await provider().auth.ensureOrganization(user.id)).toBe(org.id);
    expect(emu.callCount('createOrganization')).toBe(0);
  });

  it('creates a personal organization, adds the user, and the next sign-in sees the membership', async () => {
    const user = emu.createUser({ email: 'solo@orgs.test' });
    const { auth } = provider();
    const token = await emu.mintAccessToken({ sub: user.id });
    expect((await auth.authenticateToken(token))?.memberships).toEqual([]); // cached: no membership yet

    const organizationId = await auth.ensureOrganization(user.id);
    expect(organizationId).toMatch(/^org_/);
    const organization = await emu.createWorkOSClient().organizations.getOrganization(organizationId!);
    expect(organization).toMatchObject({ name: "solo@orgs.test's org", externalId: user.id, metadata: { personal: 'true' } });
    expect(emu.callCount('createOrganizationMembership')).toBe(1);

    // The cached (empty) membership list was dropped: the user now has the personal organization.
    const after = (await auth.authenticateToken(await emu.mintAccessToken({ sub: user.id }))) as WorkOSUser;
    expect(after.organizationId).toBe(organizationId);
  });

  it('is idempotent: a second call (another instance, lost membership) reuses the personal organization', async () => {
    const user = emu.createUser({ email: 'again@orgs.test' });
    const first = await provider().auth.ensureOrganization(user.id);
    const { data } = await emu.createWorkOSClient().userManagement.listOrganizationMemberships({ userId: user.id });
    expect(data).toHaveLength(1);
    emu.deleteMembership(data[0]!.id); // the organization stays, the membership is gone
    const second = await provider().auth.ensureOrganization(user.id);
    expect(second).toBe(first);
    expect(emu.callCount('createOrganization')).toBe(2);
  });

  it('recovers the personal organization by external id when the create says it is taken', async () => {
    const user = emu.createUser({ email: 'taken@orgs.test' });
    const existing = emu.createOrganization({ name: 'Made earlier', externalId: user.id });
    expect(await provider().auth.ensureOrganization(user.id)).toBe(existing.id);
    expect(emu.calls.filter((call) => call.route === 'createOrganization').map((call) => call.status)).toEqual([409]);
    expect(emu.callCount('getOrganizationByExternalId')).toBe(1);
    expect(emu.callCount('createOrganizationMembership')).toBe(1);
  });

  it('answers undefined and logs once (no user data) when WorkOS fails', async () => {
    const user = emu.createUser({ email: 'down@orgs.test' });
    const { auth, logger } = provider();
    emu.injectFault('listOrganizationMemberships', { status: 503 });
    expect(await auth.ensureOrganization(user.id)).toBeUndefined();
    expect(logger.reasons()).toContain('ensure_organization_failed');
    expect(logger.text).not.toContain(user.id);
  });
});

describe('isOrganizationAdmin', () => {
  it('is true for admin or owner (primary role or any of several), false otherwise and on failure', async () => {
    const org = emu.createOrganization({ name: 'Roles' });
    const admin = emu.createUser({ email: 'admin@orgs.test' });
    const owner = emu.createUser({ email: 'owner@orgs.test' });
    const member = emu.createUser({ email: 'member2@orgs.test' });
    const outsider = emu.createUser({ email: 'outsider@orgs.test' });
    emu.createMembership({ userId: admin.id, organizationId: org.id, role: 'admin' });
    emu.createMembership({ userId: owner.id, organizationId: org.id, roles: ['editor', 'owner'] });
    emu.createMembership({ userId: member.id, organizationId: org.id, role: 'member' });
    const { auth } = provider();
    expect(await auth.isOrganizationAdmin(org.id, admin.id)).toBe(true);
    expect(await auth.isOrganizationAdmin(org.id, owner.id)).toBe(true);
    expect(await auth.isOrganizationAdmin(org.id, member.id)).toBe(false);
    expect(await auth.isOrganizationAdmin(org.id, outsider.id)).toBe(false);
    emu.injectFault('listOrganizationMemberships', { status: 500 });
    expect(await auth.isOrganizationAdmin(org.id, admin.id)).toBe(false);
  });
});

describe('upstream signatures', () => {
  it('authorizeUser returns a promise; getRedirectUri a string', async () => {
    const auth = new MastraAuthWorkos({ ...emu.connection, logger: new CaptureLogger() });
    const decision = auth.authorizeUser({ id: 'user_1', workosId: 'user_1' } as WorkOSUser);
    expect(decision).toBeInstanceOf(Promise);
    expect(await decision).toBe(true);
    const previous = process.env.WORKOS_REDIRECT_URI;
    delete process.env.WORKOS_REDIRECT_URI;
    try {
      expect(new MastraAuthWorkos({ ...emu.connection }).getRedirectUri()).toBe('');
      expect(new MastraAuthWorkos({ ...emu.connection, redirectUri: 'http://127.0.0.1/cb' }).getRedirectUri()).toBe('http://127.0.0.1/cb');
    } finally {
      if (previous !== undefined) process.env.WORKOS_REDIRECT_URI = previous;
    }
  });

  it('a subclass reads the protected members upstream exposes', () => {
    class Inspecting extends MastraAuthWorkos {
      snapshot() {
        return {
          clientId: this.clientId,
          hasWorkOS: typeof this.workos.userManagement.getUser === 'function',
          fetchMemberships: this.fetchMemberships,
          trustJwtClaims: this.trustJwtClaims,
          claim: this.jwtClaimOptions.organizationId,
          hook: typeof this.mapJwtPayloadToUser,
          redirectUri: this.redirectUri,
        };
      }
    }
    const auth = new Inspecting({ ...emu.connection, fetchMemberships: true, redirectUri: 'http://127.0.0.1/cb', mapJwtPayloadToUser: () => ({}) });
    expect(auth.snapshot()).toEqual({
      clientId: emu.connection.clientId,
      hasWorkOS: true,
      fetchMemberships: true,
      trustJwtClaims: false,
      claim: 'org_id',
      hook: 'function',
      redirectUri: 'http://127.0.0.1/cb',
    });
  });
});
