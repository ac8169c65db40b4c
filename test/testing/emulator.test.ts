import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import {
  ConflictException,
  GenericServerException,
  NotFoundException,
  OauthException,
  RateLimitExceededException,
  UnauthorizedException,
  WorkOS,
} from '@workos-inc/node';
import { startWorkOSEmulator, WorkOSEmulator } from '../../src/testing';

/** Verifies against a fresh remote key set (no cache carried over between assertions). */
function verify(emu: WorkOSEmulator, token: string) {
  return jwtVerify(token, createRemoteJWKSet(new URL(emu.jwksUrl)), { issuer: emu.issuer, algorithms: ['RS256'] });
}

describe('WorkOS emulator (through the real @workos-inc/node SDK)', () => {
  let emu: WorkOSEmulator;
  let workos: WorkOS;

  beforeAll(async () => {
    emu = await startWorkOSEmulator();
    workos = emu.createWorkOSClient();
  });

  afterAll(async () => {
    await emu.stop();
  });

  beforeEach(() => {
    emu.reset();
  });

  /** A user in an organization with an active membership. */
  function seedMember(role = 'member') {
    const org = emu.createOrganization({ name: 'Acme', domains: ['acme.test'] });
    const user = emu.createUser({ email: `ada+${Math.random()}@acme.test`, firstName: 'Ada', lastName: 'Lovelace' });
    const membership = emu.createMembership({ userId: user.id, organizationId: org.id, role });
    return { org, user, membership };
  }

  describe('addresses and options', () => {
    it('exposes consistent URLs, connection options and env', () => {
      expect(emu.baseUrl).toBe(`http://127.0.0.1:${emu.port}`);
      expect(emu.port).toBeGreaterThan(0);
      expect(emu.issuer).toBe(`${emu.baseUrl}/user_management/client_emulator`);
      expect(emu.jwksUrl).toBe(`${emu.baseUrl}/sso/jwks/client_emulator`);
      expect(workos.userManagement.getJwksUrl(emu.clientId)).toBe(emu.jwksUrl);
      expect(emu.connection).toEqual({
        apiKey: 'sk_test_emulator',
        clientId: 'client_emulator',
        apiHostname: '127.0.0.1',
        port: emu.port,
        https: false,
      });
      expect(emu.env()).toEqual({
        WORKOS_API_KEY: 'sk_test_emulator',
        WORKOS_CLIENT_ID: 'client_emulator',
        WORKOS_API_HOSTNAME: '127.0.0.1',
        WORKOS_API_PORT: String(emu.port),
        WORKOS_API_HTTPS: 'false',
      });
    });

    it('refuses non-loopback hosts and invalid options', async () => {
      await expect(startWorkOSEmulator({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
      await expect(WorkOSEmulator.start({ host: 'example.com' })).rejects.toThrow(/loopback/);
      await expect(startWorkOSEmulator({ port: 70_000 })).rejects.toThrow(/port/);
    });

    it('honours custom credentials', async () => {
      const custom = await WorkOSEmulator.start({ apiKey: 'sk_test_custom', clientId: 'client_custom', tokenTtlSeconds: 60 });
      try {
        const client = custom.createWorkOSClient();
        const user = custom.createUser({ email: 'x@custom.test' });
        await expect(client.userManagement.getUser(user.id)).resolves.toMatchObject({ id: user.id });
        const token = await custom.mintAccessToken({ sub: user.id });
        const { payload } = await verify(custom, token);
        expect(payload.exp! - payload.iat!).toBe(60);
        expect(custom.jwksUrl).toMatch(/\/sso\/jwks\/client_custom$/);
      } finally {
        await custom.stop();
      }
    });
  });

  describe('users and organizations', () => {
    it('getUser returns the user exactly as seeded', async () => {
      const user = emu.createUser({
        email: 'grace@navy.test',
        firstName: 'Grace',
        lastName: 'Hopper',
        metadata: { team: 'cobol' },
        externalId: 'ext-1',
        locale: 'en-US',
      });
      expect(user.id).toMatch(/^user_01[0-9A-HJKMNP-TV-Z]{24}$/);
      const fetched = await workos.userManagement.getUser(user.id);
      expect(fetched).toEqual(user);
      expect(fetched.name).toBe('Grace Hopper');
      expect(fetched.emailVerified).toBe(true);
    });

    it('getUser of an unknown id raises NotFoundException (404, entity_not_found)', async () => {
      const error = await workos.userManagement.getUser('user_missing').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundException);
      expect(error).toMatchObject({ status: 404, code: 'entity_not_found' });
      expect((error as NotFoundException).requestID).toMatch(/^req_emulator_/);
    });

    it('decodes percent-encoded path ids', async () => {
      const user = emu.createUser({ id: 'user_odd/id with:chars', email: 'odd@x.test' });
      await expect(workos.userManagement.getUser(user.id)).resolves.toMatchObject({ id: 'user_odd/id with:chars' });
    });

    it('updateUser and deleteUser are visible through the API', async () => {
      const user = emu.createUser({ email: 'a@x.test', firstName: 'A' });
      emu.updateUser(user.id, { lastName: 'B', metadata: { k: 'v' } });
      await expect(workos.userManagement.getUser(user.id)).resolves.toMatchObject({ name: 'A B', metadata: { k: 'v' } });
      emu.deleteUser(user.id);
      await expect(workos.userManagement.getUser(user.id)).rejects.toBeInstanceOf(NotFoundException);
      expect(() => emu.createUser({ email: 'dup@x.test' }) && emu.createUser({ email: 'DUP@x.test' })).toThrow(/already used/);
    });

    it('getOrganization includes domains (required by SDK v11)', async () => {
      const org = emu.createOrganization({ name: 'Initech', domains: ['initech.test'] });
      const fetched = await workos.organizations.getOrganization(org.id);
      expect(fetched).toEqual(org);
      expect(fetched.domains).toMatchObject([{ domain: 'initech.test', organizationId: org.id, state: 'verified' }]);
      await expect(workos.organizations.getOrganization('org_missing')).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('organization memberships', () => {
    it('filters by user and organization, and returns only active ones by default', async () => {
      const orgA = emu.createOrganization({ name: 'A' });
      const orgB = emu.createOrganization({ name: 'B' });
      const alice = emu.createUser({ email: 'alice@x.test' });
      const bob = emu.createUser({ email: 'bob@x.test' });
      const aliceA = emu.createMembership({ userId: alice.id, organizationId: orgA.id, role: 'admin' });
      const aliceB = emu.createMembership({ userId: alice.id, organizationId: orgB.id, status: 'inactive' });
      const bobA = emu.createMembership({ userId: bob.id, organizationId: orgA.id, roles: ['editor', 'viewer'] });

      const ofAlice = await workos.userManagement.listOrganizationMemberships({ userId: alice.id });
      expect(ofAlice.data.map((m) => m.id)).toEqual([aliceA.id]);
      expect(ofAlice.data[0]).toEqual(aliceA);
      expect(aliceA.organizationName).toBe('A');

      const inactive = await workos.userManagement.listOrganizationMemberships({ userId: alice.id, statuses: ['inactive'] });
      expect(inactive.data.map((m) => m.id)).toEqual([aliceB.id]);

      const ofOrgA = await workos.userManagement.listOrganizationMemberships({ organizationId: orgA.id, order: 'asc' });
      expect(ofOrgA.data.map((m) => m.id)).toEqual([aliceA.id, bobA.id]);
      expect(ofOrgA.data[1]).toMatchObject({ role: { slug: 'editor' }, roles: [{ slug: 'editor' }, { slug: 'viewer' }] });

      const both = await workos.userManagement.listOrganizationMemberships({ userId: alice.id, organizationId: orgB.id });
      expect(both.data).toEqual([]);
    });

    it('paginates with limit / after and auto-paginates', async () => {
      const org = emu.createOrganization({ name: 'Big' });
      const ids = Array.from({ length: 5 }, (_, i) => {
        const user = emu.createUser({ email: `u${i}@big.test` });
        return emu.createMembership({ userId: user.id, organizationId: org.id }).id;
      });

      const first = await workos.userManagement.listOrganizationMemberships({ organizationId: org.id, limit: 2, order: 'asc' });
      expect(first.data.map((m) => m.id)).toEqual(ids.slice(0, 2));
      expect(first.listMetadata).toEqual({ before: null, after: ids[1] });

      const second = await workos.userManagement.listOrganizationMemberships({
        organizationId: org.id,
        limit: 2,
        order: 'asc',
        after: first.listMetadata.after!,
      });
      expect(second.data.map((m) => m.id)).toEqual(ids.slice(2, 4));
      expect(second.listMetadata).toEqual({ before: ids[2], after: ids[3] });

      // Default order is WorkOS's: newest first.
      const newest = await workos.userManagement.listOrganizationMemberships({ organizationId: org.id, limit: 1 });
      expect(newest.data.map((m) => m.id)).toEqual([ids[4]]);

      const all = await (await workos.userManagement.listOrganizationMemberships({ organizationId: org.id })).autoPagination();
      expect(all.map((m) => m.id).sort()).toEqual([...ids].sort());

      await expect(
        workos.userManagement.listOrganizationMemberships({ organizationId: org.id, limit: 101 }),
      ).rejects.toMatchObject({ status: 422 });
    });

    it('getOrganizationMembership returns any status, 404 when unknown', async () => {
      const { membership } = seedMember();
      const inactive = emu.updateMembership(membership.id, { status: 'inactive', role: 'owner' });
      expect(inactive.roles).toEqual([{ slug: 'owner' }]);
      await expect(workos.userManagement.getOrganizationMembership(membership.id)).resolves.toEqual(inactive);
      await expect(workos.userManagement.getOrganizationMembership('om_missing')).rejects.toBeInstanceOf(NotFoundException);
    });
  });

  describe('authenticate (code and refresh token)', () => {
    it('redeems a code once; the access token carries the membership claims', async () => {
      const { org, user } = seedMember('admin');
      emu.defineRole({ slug: 'admin', permissions: ['posts:read', 'posts:write'] });
      const code = emu.issueAuthorizationCode({ userId: user.id, organizationId: org.id, claims: { custom: 1 } });

      const auth = await workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code });
      expect(auth.user).toMatchObject({ id: user.id, email: user.email });
      expect(auth.user.lastSignInAt).not.toBeNull();
      expect(auth.organizationId).toBe(org.id);
      expect(auth.authenticationMethod).toBe('Password');
      expect(auth.refreshToken).toEqual(expect.any(String));

      const { payload, protectedHeader } = await verify(emu, auth.accessToken);
      expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: emu.currentKid });
      expect(payload).toMatchObject({
        iss: emu.issuer,
        sub: user.id,
        org_id: org.id,
        role: 'admin',
        roles: ['admin'],
        permissions: ['posts:read', 'posts:write'],
        custom: 1,
      });
      expect(payload.sid).toMatch(/^session_01/);
      expect(payload.exp! - payload.iat!).toBe(300);
      expect(payload.aud).toBeUndefined();

      const second = await workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(OauthException);
      expect(second).toMatchObject({ status: 400, error: 'invalid_grant' });
    });

    it('rejects a wrong client id and an unknown code', async () => {
      const { user } = seedMember();
      const code = emu.issueAuthorizationCode({ userId: user.id });
      await expect(workos.userManagement.authenticateWithCode({ clientId: 'client_other', code })).rejects.toMatchObject({
        name: 'OauthException',
        error: 'invalid_client',
      });
      await expect(
        workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code: 'nope' }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('refreshes with single-use refresh tokens, keeping sid and organization', async () => {
      const { org, user } = seedMember();
      const other = emu.createOrganization({ name: 'Other' });
      emu.createMembership({ userId: user.id, organizationId: other.id, role: 'viewer' });
      const code = emu.issueAuthorizationCode({ userId: user.id, organizationId: org.id });
      const first = await workos.userManagement.authenticateWithCode({ clientId: emu.clientId, code });

      const refreshed = await workos.userManagement.authenticateWithRefreshToken({
        clientId: emu.clientId,
        refreshToken: first.refreshToken,
      });
      expect(refreshed.refreshToken).not.toBe(first.refreshToken);
      expect(refreshed.organizationId).toBe(org.id);
      const before = decodeJwt(first.accessToken);
      const after = (await verify(emu, refreshed.accessToken)).payload;
      expect(after.sid).toBe(before.sid);
      expect(after.jti).not.toBe(before.jti);
      expect(after.org_id).toBe(org.id);

      await expect(
        workos.userManagement.authenticateWithRefreshToken({ clientId: emu.clientId, refreshToken: first.refreshToken }),
      ).rejects.toMatchObject({ name: 'OauthException', error: 'invalid_grant' });

      const switched = await workos.userManagement.authenticateWithRefreshToken({
        clientId: emu.clientId,
        refreshToken: refreshed.refreshToken,
        organizationId: other.id,
      });
      expect(switched.organizationId).toBe(other.id);
      expect(decodeJwt(switched.accessToken)).toMatchObject({ org_id: other.id, role: 'viewer' });
    });

    it('supports PKCE public clients', async () => {
      const { user } = seedMember();
      const publicClient = new WorkOS({ clientId: emu.clientId, apiHostname: '127.0.0.1', port: emu.port, https: false, maxRetries: 0 });
      const { codeVerifier, codeChallenge } = await publicClient.pkce.generate();
      const code = emu.issueAuthorizationCode({ userId: user.id, codeChallenge });
      const auth = await publicClient.userManagement.authenticateWithCodeAndVerifier({ code, codeVerifier });
      expect(auth.user.id).toBe(user.id);
    });
  });

  describe('JWKS and minted tokens', () => {
    it('serves the JWKS without an API key, as JSON; unknown client → 404', async () => {
      const res = await fetch(emu.jwksUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const body = (await res.json()) as { keys: Array<Record<string, unknown>> };
      expect(body).toEqual(emu.publicJwks());
      expect(body.keys).toEqual([expect.objectContaining({ kty: 'RSA', kid: emu.currentKid, alg: 'RS256', use: 'sig' })]);
      expect(body.keys[0]).not.toHaveProperty('d');

      const unknown = await fetch(`${emu.baseUrl}/sso/jwks/client_other`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'entity_not_found' });
      expect(emu.callCount('jwks')).toBe(2);
    });

    it('mints tokens that verify with jose against the remote JWKS', async () => {
      const token = await emu.mintAccessToken({ sub: 'user_1', org_id: 'org_1', permissions: ['a'], entitlements: ['pro'] });
      const { payload } = await verify(emu, token);
      expect(payload).toMatchObject({ iss: emu.issuer, sub: 'user_1', org_id: 'org_1', permissions: ['a'], entitlements: ['pro'] });
      expect(payload.jti).toEqual(expect.any(String));
      expect(payload.sid).toMatch(/^session_/);
    });

    it('lets claims and headers be overridden or omitted', async () => {
      const expired = await emu.mintAccessToken({ sub: 'user_1', expiresIn: -60 });
      await expect(verify(emu, expired)).rejects.toBeInstanceOf(joseErrors.JWTExpired);

      const custom = await emu.mintAccessToken({
        sub: 'user_1',
        iss: 'https://api.workos.com',
        aud: 'mcp',
        sid: undefined,
        nbf: 1,
        kid: null,
        header: { crit: ['x-unknown'], 'x-unknown': 1, jku: 'https://evil.test/jwks' },
      });
      const header = decodeProtectedHeader(custom);
      expect(header).not.toHaveProperty('kid');
      expect(header).toMatchObject({ alg: 'RS256', crit: ['x-unknown'], jku: 'https://evil.test/jwks' });
      const claims = decodeJwt(custom);
      expect(claims).toMatchObject({ iss: 'https://api.workos.com', aud: 'mcp', nbf: 1 });
      expect(claims).not.toHaveProperty('sid');
      expect(claims).not.toHaveProperty('expiresIn');

      const fixedTimes = decodeJwt(await emu.mintAccessToken({ sub: 'u', iat: 1000, expiresIn: 10 }));
      expect(fixedTimes).toMatchObject({ iat: 1000, exp: 1010 });
      expect(decodeJwt(await emu.mintAccessToken({ sub: 'u', exp: undefined }))).not.toHaveProperty('exp');
    });

    it('rotateKeys keeps the previous key published by default, and drops it on request', async () => {
      const oldKid = emu.currentKid;
      const oldToken = await emu.mintAccessToken({ sub: 'user_1' });

      const { kid } = await emu.rotateKeys();
      expect(kid).not.toBe(oldKid);
      expect(emu.currentKid).toBe(kid);
      expect(emu.publicJwks().keys.map((k) => k.kid)).toEqual([kid, oldKid]);
      await expect(verify(emu, oldToken)).resolves.toBeTruthy();
      const newToken = await emu.mintAccessToken({ sub: 'user_1' });
      expect(decodeProtectedHeader(newToken).kid).toBe(kid);
      await expect(verify(emu, newToken)).resolves.toBeTruthy();

      const previousSigned = await emu.mintAccessToken({ sub: 'user_1', signWith: 'previous' });
      expect(decodeProtectedHeader(previousSigned).kid).toBe(oldKid);

      await emu.rotateKeys({ keepPrevious: false });
      expect(emu.publicJwks().keys).toHaveLength(1);
      await expect(verify(emu, oldToken)).rejects.toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
      await expect(verify(emu, newToken)).rejects.toBeInstanceOf(joseErrors.JWKSNoMatchingKey);
    });

    it('tokens signed with the foreign key fail verification despite the current kid', async () => {
      const forged = await emu.mintAccessToken({ sub: 'user_1', signWith: 'foreign' });
      expect(decodeProtectedHeader(forged).kid).toBe(emu.currentKid);
      await expect(verify(emu, forged)).rejects.toBeInstanceOf(joseErrors.JWSSignatureVerificationFailed);
      await expect(jwtVerify(forged, createLocalJWKSet(emu.publicJwks()))).rejects.toThrow();
    });
  });

  describe('API key', () => {
    it('every API route requires the bearer API key (401 JSON)', async () => {
      const user = emu.createUser({ email: 'k@x.test' });
      const res = await fetch(`${emu.baseUrl}/user_management/users/${user.id}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toMatchObject({ code: 'unauthorized' });

      const wrongKey = new WorkOS('sk_test_wrong', { ...emu.connection, maxRetries: 0 });
      await expect(wrongKey.userManagement.getUser(user.id)).rejects.toBeInstanceOf(UnauthorizedException);
      await expect(wrongKey.authorization.listEnvironmentRoles()).rejects.toMatchObject({ status: 401 });
      await expect(
        wrongKey.userManagement.authenticateWithCode({ clientId: emu.clientId, code: 'x' }),
      ).rejects.toBeInstanceOf(UnauthorizedException);

      expect(emu.calls.filter((c) => c.route === 'getUser').map((c) => c.status)).toEqual([401, 401]);
    });
  });

  describe('fault injection and call counting', () => {
    it('429 with Retry-After surfaces as RateLimitExceededException; times limits the fault', async () => {
      const user = emu.createUser({ email: 'f@x.test' });
      emu.injectFault('getUser', { status: 429, headers: { 'Retry-After': '7' }, times: 1 });

      const error = await workos.userManagement.getUser(user.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitExceededException);
      expect(error).toMatchObject({ status: 429, retryAfter: 7 });

      await expect(workos.userManagement.getUser(user.id)).resolves.toMatchObject({ id: user.id });
      expect(emu.calls.map((c) => c.status)).toEqual([429, 200]);
    });

    it('5xx faults, custom bodies, queued faults and clearFaults', async () => {
      const user = emu.createUser({ email: 'g@x.test' });
      emu.injectFault('getUser', { status: 503, times: 1 });
      emu.injectFault('getUser', { status: 404, body: { code: 'entity_not_found', message: 'gone' }, times: 1 });
      emu.injectFault('getUser', { status: 500 });

      await expect(workos.userManagement.getUser(user.id)).rejects.toSatisfy(
        (e: unknown) => e instanceof GenericServerException && e.status === 503,
      );
      await expect(workos.userManagement.getUser(user.id)).rejects.toMatchObject({ status: 404, message: 'gone' });
      await expect(workos.userManagement.getUser(user.id)).rejects.toMatchObject({ status: 500 });
      await expect(workos.userManagement.getUser(user.id)).rejects.toMatchObject({ status: 500 });
      emu.clearFaults('getUser');
      await expect(workos.userManagement.getUser(user.id)).resolves.toMatchObject({ id: user.id });

      emu.injectFault('getOrganization', { status: 502, body: '<html>Bad gateway</html>', contentType: 'text/html' });
      const raw = await fetch(`${emu.baseUrl}/organizations/org_x`, { headers: { Authorization: `Bearer ${emu.apiKey}` } });
      expect(raw.status).toBe(502);
      expect(raw.headers.get('content-type')).toBe('text/html');
      expect(await raw.text()).toBe('<html>Bad gateway</html>');
      emu.clearFaults();
      expect(() => emu.injectFault('getUser', {})).toThrow(/at least one/);
    });

    it('delayMs delays and then answers normally', async () => {
      const user = emu.createUser({ email: 'd@x.test' });
      emu.injectFault('getUser', { delayMs: 150, times: 1 });
      const started = Date.now();
      await expect(workos.userManagement.getUser(user.id)).resolves.toMatchObject({ id: user.id });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);

      emu.injectFault('jwks', { delayMs: 50, status: 503, times: 1 });
      expect((await fetch(emu.jwksUrl)).status).toBe(503);
      expect((await fetch(emu.jwksUrl)).status).toBe(200);
    });

    it('counts every request by route, including unknown paths', async () => {
      const user = emu.createUser({ email: 'c@x.test' });
      await workos.userManagement.getUser(user.id);
      await workos.userManagement.getUser(user.id);
      await workos.userManagement.getUser('user_missing').catch(() => undefined);
      const unknown = await fetch(`${emu.baseUrl}/nope?x=1`, { headers: { Authorization: `Bearer ${emu.apiKey}` } });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'not_found' });

      expect(emu.callCount('getUser')).toBe(3);
      expect(emu.callCount('unknown')).toBe(1);
      expect(emu.callCount('jwks')).toBe(0);
      expect(emu.callCount()).toBe(4);
      expect(emu.calls[0]).toMatchObject({ route: 'getUser', method: 'GET', path: `/user_management/users/${user.id}`, status: 200 });
      expect(emu.calls[3]).toMatchObject({ route: 'unknown', path: '/nope', status: 404 });
      expect(emu.calls[0]!.at).toBeLessThanOrEqual(Date.now());

      emu.resetCalls();
      expect(emu.callCount()).toBe(0);
    });
  });

  describe('Authorization API', () => {
    /** org → workspace → project, plus a second project elsewhere. */
    function seedTree() {
      const { org, user, membership } = seedMember('member');
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

describe('WorkOS emulator lifecycle', () => {
  it('stop() closes the server even with a hung request, and is idempotent', async () => {
    const emu = await startWorkOSEmulator();
    try {
      const user = emu.createUser({ email: 'h@x.test' });
      const workos = new WorkOS(emu.apiKey, { ...emu.connection, maxRetries: 0, timeout: 60_000 });
      emu.injectFault('getUser', { hang: true });
      const pending = workos.userManagement.getUser(user.id).then(
        () => 'resolved',
        () => 'rejected',
      );
      await expect.poll(() => emu.callCount('getUser')).toBe(1);
      expect(emu.calls[0]!.status).toBe(0);

      const started = Date.now();
      await emu.stop();
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(pending).resolves.toBe('rejected');
      await emu.stop();
      await expect(fetch(emu.jwksUrl)).rejects.toThrow();
    } finally {
      await emu.stop();
    }
  });

  it('stop() also cancels delayed requests and idle keep-alive connections', async () => {
    const emu = await startWorkOSEmulator();
    try {
      await fetch(emu.jwksUrl); // leaves a keep-alive socket
      emu.injectFault('jwks', { delayMs: 30_000 });
      const pending = fetch(emu.jwksUrl).then(
        () => 'resolved',
        () => 'rejected',
      );
      await expect.poll(() => emu.callCount('jwks')).toBe(2);
      const started = Date.now();
      await emu.stop();
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(pending).resolves.toBe('rejected');
    } finally {
      await emu.stop();
    }
  });

  it('reset() clears data but keeps the signing keys', async () => {
    const emu = await startWorkOSEmulator();
    try {
      const kid = emu.currentKid;
      const user = emu.createUser({ email: 'r@x.test' });
      emu.injectFault('getUser', { status: 500 });
      emu.reset();
      expect(emu.getUser(user.id)).toBeUndefined();
      expect(emu.currentKid).toBe(kid);
      const again = emu.createUser({ email: 'r@x.test' });
      await expect(emu.createWorkOSClient().userManagement.getUser(again.id)).resolves.toMatchObject({ id: again.id });
    } finally {
      await emu.stop();
    }
  });
});

describe('WorkOS emulator directory', () => {
  it('keeps emails unique (case-insensitively) through create, update and delete', async () => {
    const emu = await startWorkOSEmulator();
    try {
      const ada = emu.createUser({ email: 'ada@acme.test' });
      expect(() => emu.createUser({ email: 'ADA@acme.test' })).toThrow(/already used/);
      emu.updateUser(ada.id, { email: 'ada.l@acme.test' });
      const second = emu.createUser({ email: 'ada@acme.test' });
      expect(() => emu.updateUser(second.id, { email: 'Ada.L@acme.test' })).toThrow(/already used/);
      emu.deleteUser(ada.id);
      expect(emu.createUser({ email: 'ada.l@acme.test' }).email).toBe('ada.l@acme.test');
      for (let i = 0; i < 20_000; i += 1) emu.createUser({ email: `bulk-${i}@acme.test` });
      expect(emu.getUser(second.id)?.email).toBe('ada@acme.test');
    } finally {
      await emu.stop();
    }
  });
});
