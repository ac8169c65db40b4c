import { FGADeniedError } from '@mastra/core/auth/ee';
import { RequestContext } from '@mastra/core/request-context';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  WorkOSFGAMembershipResolutionError,
  WorkOSFGAResourceNotFoundError,
  WorkOSFGAUpstreamError,
  type MastraFGAWorkosOptions,
} from '../../src/fga';
import type { WorkOSUser } from '../../src';
import { startWorkOSEmulator, type EmulatorMembership, type EmulatorResource, type WorkOSEmulator } from '../../src/testing';
import { fgaFor, seedOrganizations, signedInUser, type FGAWorld } from './helpers';

let emu: WorkOSEmulator;
let world: FGAWorld;
let alice: WorkOSUser;
let aliceAcme: EmulatorMembership;
let weather: EmulatorResource;
let chef: EmulatorResource;

const EXECUTE_WEATHER = { resource: { type: 'agent', id: 'weather' }, permission: 'agents:execute' };
const EXECUTE_CHEF = { resource: { type: 'agent', id: 'chef' }, permission: 'agents:execute' };

function provider(options: MastraFGAWorkosOptions = {}) {
  return fgaFor(emu, options);
}

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  world = seedOrganizations(emu);
  const user = emu.createUser({ email: 'alice@acme.test' });
  aliceAcme = emu.createMembership({ userId: user.id, organizationId: world.acme.id, role: 'member' });
  alice = await signedInUser(emu, user);
  weather = emu.createResource({ organizationId: world.acme.id, resourceTypeSlug: 'agent', externalId: 'weather' });
  chef = emu.createResource({ organizationId: world.acme.id, resourceTypeSlug: 'agent', externalId: 'chef' });
  emu.assignRole({ organizationMembershipId: aliceAcme.id, roleSlug: 'agent-runner', resourceId: weather.id });
  emu.assignRole({ organizationMembershipId: aliceAcme.id, roleSlug: 'agent-viewer', resourceId: chef.id });
});

afterAll(async () => {
  await emu?.stop();
});

beforeEach(() => {
  emu.clearFaults();
  emu.resetCalls();
});

describe('check', () => {
  it('allows a granted permission and denies another resource, one WorkOS call each', async () => {
    const { fga } = provider();
    expect(await fga.check(alice, EXECUTE_WEATHER)).toBe(true);
    expect(await fga.check(alice, EXECUTE_CHEF)).toBe(false);
    expect(await fga.decide(alice, EXECUTE_CHEF)).toEqual({ allowed: false, reason: 'permission_denied' });
    expect(emu.callCount('authorization.check')).toBe(3);
    expect(emu.callCount()).toBe(3);
  });

  it('treats a permission list as ANY-of, stopping at the first grant', async () => {
    const { fga } = provider();
    expect(await fga.check(alice, { resource: { type: 'agent', id: 'chef' }, permission: ['agents:execute', 'agents:read'] })).toBe(true);
    expect(emu.callCount('authorization.check')).toBe(2);
    emu.resetCalls();
    expect(await fga.check(alice, { resource: { type: 'agent', id: 'weather' }, permission: ['agents:execute', 'agents:read'] })).toBe(true);
    expect(emu.callCount('authorization.check')).toBe(1);
    emu.resetCalls();
    expect(await fga.check(alice, { resource: { type: 'agent', id: 'chef' }, permission: ['agents:execute', 'agents:delete'] })).toBe(false);
    expect(emu.callCount('authorization.check')).toBe(2);
  });

  it('maps Mastra permissions to WorkOS slugs, asking once per distinct slug', async () => {
    const runner = emu.createResource({ organizationId: world.acme.id, resourceTypeSlug: 'agent', externalId: 'slugged' });
    emu.assignRole({ organizationMembershipId: aliceAcme.id, roleSlug: 'runner-by-slug', resourceId: runner.id });
    const { fga } = provider({ permissionMapping: { 'agents:execute': 'run-agent', 'agents:write': 'run-agent' } });
    const params = { resource: { type: 'agent', id: 'slugged' }, permission: ['agents:execute', 'agents:write'] };
    expect(await fga.check(alice, params)).toBe(true);
    expect(await fga.check(alice, { ...params, permission: 'agents:read' })).toBe(false);
    expect(emu.callCount('authorization.check')).toBe(2);
  });

  it('maps resource types and derives ids; plural keys from upstream configurations work', async () => {
    const owner = emu.createResource({ organizationId: world.acme.id, resourceTypeSlug: 'owner', externalId: 'owner-alice' });
    emu.assignRole({ organizationMembershipId: aliceAcme.id, roleSlug: 'agent-viewer', resourceId: owner.id });
    const { fga } = provider({
      resourceMapping: {
        threads: { fgaResourceType: 'owner', deriveId: (ctx) => (ctx.resourceId ? `owner-${ctx.resourceId}` : undefined) },
        agent: { fgaResourceType: 'agent', deriveId: (ctx) => ctx.resource?.id.replace(/^v2-/, '') },
      },
    });
    const thread = { resource: { type: 'thread', id: 'thread-1' }, permission: 'agents:read' };
    expect(await fga.check(alice, { ...thread, context: { resourceId: 'alice' } })).toBe(true);
    expect(await fga.check(alice, { ...thread, context: { resourceId: 'bob' } })).toBe(false);
    expect(await fga.check(alice, { resource: { type: 'agent', id: 'v2-weather' }, permission: 'agents:execute' })).toBe(true);
  });

  it('falls back to the raw Mastra resource id when deriveId yields undefined or null (upstream)', async () => {
    const { fga } = provider({
      resourceMapping: {
        agent: { fgaResourceType: 'agent', deriveId: () => undefined },
        workflow: { fgaResourceType: 'agent', deriveId: () => null },
      },
    });
    expect(await fga.decide(alice, EXECUTE_WEATHER)).toEqual({ allowed: true, reason: 'permission_granted' });
    expect(await fga.check(alice, { resource: { type: 'workflow', id: 'weather' }, permission: 'agents:execute' })).toBe(true);
    expect(await fga.check(alice, EXECUTE_CHEF)).toBe(false);
    expect(emu.callCount('authorization.check')).toBe(3);
    expect(emu.callCount()).toBe(3);
    const filtered = await fga.filterAccessible(alice, [{ id: 'weather' }, { id: 'chef' }], 'agent', 'agents:execute');
    expect(filtered).toEqual([{ id: 'weather' }]);
  });

  it('denies without a WorkOS call when deriveId throws, and logs it once', async () => {
    const { fga, logger } = provider({
      resourceMapping: {
        agent: {
          fgaResourceType: 'agent',
          deriveId: () => {
            throw new Error('boom sk_secret_in_hook');
          },
        },
        tool: {
          fgaResourceType: 'tool',
          deriveId: () => {
            throw new Error('boom sk_secret_in_hook');
          },
        },
      },
    });
    expect(await fga.decide(alice, EXECUTE_WEATHER)).toEqual({ allowed: false, reason: 'resource_unresolved' });
    expect(await fga.check(alice, { resource: { type: 'tool', id: 't' }, permission: 'tools:execute' })).toBe(false);
    expect(await fga.check(alice, { resource: { type: 'tool', id: 't' }, permission: 'tools:execute' })).toBe(false);
    expect(emu.callCount()).toBe(0);
    expect(logger.lines.filter((line) => line.level === 'error')).toHaveLength(1);
    expect(logger.text).not.toContain('sk_secret_in_hook');
    await expect(fga.require(alice, EXECUTE_WEATHER)).rejects.toBeInstanceOf(FGADeniedError);
  });
});

describe('unregistered resources', () => {
  const GHOST = { resource: { type: 'agent', id: 'ghost' }, permission: 'agents:execute' };

  it('are denied by default; require() throws the typed 404 with a hint', async () => {
    const { fga, logger } = provider();
    expect(await fga.decide(alice, GHOST)).toEqual({ allowed: false, reason: 'resource_not_registered' });
    const error = await fga.require(alice, GHOST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkOSFGAResourceNotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'fga_resource_not_found', resource: { resourceTypeSlug: 'agent', externalId: 'ghost' } });
    expect((error as Error).message).toMatch(/createResource/);
    expect((error as Error).message).toMatch(/publicByDefault/);
    expect(logger.reasons()).toContain('resource_not_registered');
  });

  it('are allowed with publicByDefault, after confirming the membership is active', async () => {
    const { fga } = provider({ publicByDefault: true });
    expect(await fga.decide(alice, GHOST)).toEqual({ allowed: true, reason: 'public_by_default' });
    expect(emu.callCount('authorization.check')).toBe(1);
    expect(emu.callCount('getOrganizationMembership')).toBe(1);
    await expect(fga.require(alice, GHOST)).resolves.toBeUndefined();
    // Registered resources still follow WorkOS.
    expect(await fga.check(alice, EXECUTE_CHEF)).toBe(false);
  });

  it('stay closed with publicByDefault when the membership is gone or inactive (WorkOS 404s for both)', async () => {
    const user = emu.createUser({ email: 'carol@acme.test' });
    const carolAcme = emu.createMembership({ userId: user.id, organizationId: world.acme.id });
    const carol = await signedInUser(emu, user);
    const { fga } = provider({ publicByDefault: true });
    emu.updateMembership(carolAcme.id, { status: 'inactive' });
    expect(await fga.decide(carol, GHOST)).toEqual({ allowed: false, reason: 'membership_not_found' });
    emu.deleteMembership(carolAcme.id);
    expect(await fga.decide(carol, GHOST)).toEqual({ allowed: false, reason: 'membership_not_found' });
    await expect(fga.require(carol, GHOST)).rejects.toBeInstanceOf(FGADeniedError);
  });
});

describe('membership resolution', () => {
  let dave: WorkOSUser;
  let daveAcme: EmulatorMembership;
  let daveGlobex: EmulatorMembership;
  /** A member of Acme, signed in by a provider without fetchMemberships: no memberships on the user. */
  let loner: WorkOSUser;

  beforeAll(async () => {
    const lonerUser = emu.createUser({ email: 'loner@acme.test' });
    emu.createMembership({ userId: lonerUser.id, organizationId: world.acme.id, role: 'auditor' });
    loner = await signedInUser(emu, lonerUser, { fetchMemberships: false });
    expect(loner.memberships).toBeUndefined();

    const user = emu.createUser({ email: 'dave@acme.test' });
    daveAcme = emu.createMembership({ userId: user.id, organizationId: world.acme.id });
    daveGlobex = emu.createMembership({ userId: user.id, organizationId: world.globex.id, role: 'auditor' });
    emu.createResource({ organizationId: world.globex.id, resourceTypeSlug: 'agent', externalId: 'weather' });
    // Signed in to Acme: the token names it, so the Acme membership is the current one.
    dave = await signedInUser(emu, user, { organizationId: world.acme.id });
  });

  const READ = { resource: { type: 'agent', id: 'weather' }, permission: 'agents:read' };

  it("uses the user's own membership id, else the one of the user's organization", async () => {
    const { fga } = provider();
    expect(await fga.check(dave, READ)).toBe(false); // acme membership: no grant
    expect(await fga.check({ ...dave, organizationId: world.globex.id, organizationMembershipId: undefined }, READ)).toBe(true);
    const sent = emu.calls.filter((call) => call.route === 'authorization.check').map((call) => call.path);
    expect(sent[0]).toContain(daveAcme.id);
    expect(sent[1]).toContain(daveGlobex.id);
  });

  it('prefers the configured organization over the token organization', async () => {
    const { fga } = provider({ organizationId: world.globex.id });
    expect(await fga.check(dave, READ)).toBe(true);
    expect(emu.calls[0]?.path).toContain(daveGlobex.id);
  });

  it('denies without any call when no membership fits, whatever publicByDefault says', async () => {
    const { fga, logger } = provider({ publicByDefault: true, organizationId: 'org_unrelated' });
    expect(await fga.decide(dave, READ)).toEqual({ allowed: false, reason: 'membership_unresolved' });
    const { fga: open } = provider({ publicByDefault: true });
    expect(await open.check(loner, { resource: { type: 'agent', id: 'ghost' }, permission: 'agents:read' })).toBe(false);
    expect(emu.callCount()).toBe(0);
    expect(logger.reasons()).toContain('membership_unresolved');
  });

  it('require() throws the typed 500 that explains fetchMemberships and never names the user', async () => {
    const { fga } = provider();
    const error = await fga.require(loner, READ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkOSFGAMembershipResolutionError);
    expect(error).toMatchObject({ status: 500, code: 'fga_membership_unresolved' });
    expect((error as Error).message).toContain('fetchMemberships');
    expect((error as Error).message).not.toContain(loner.id);
    expect((error as Error).message).not.toContain(loner.email);
  });

  it('uses the only active membership of a user without organization', async () => {
    const user = emu.createUser({ email: 'erin@globex.test' });
    emu.createMembership({ userId: user.id, organizationId: world.globex.id, role: 'auditor' });
    const { fga } = provider();
    const erin = await signedInUser(emu, user, { overrides: { organizationId: undefined, organizationMembershipId: undefined } });
    expect(await fga.check(erin, READ)).toBe(true);
  });
});

describe('require', () => {
  it("throws Mastra's FGADeniedError (403) on a denial", async () => {
    const { fga } = provider();
    await expect(fga.require(alice, EXECUTE_WEATHER)).resolves.toBeUndefined();
    const error = await fga.require(alice, EXECUTE_CHEF).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FGADeniedError);
    expect(error).toMatchObject({ status: 403, resource: { type: 'agent', id: 'chef' }, permission: 'agents:execute' });
  });
});

describe('WorkOS failures fail closed', () => {
  it('denies on a 5xx and logs once per window, without secrets', async () => {
    const { fga, logger } = provider();
    emu.injectFault('authorization.check', { status: 500 });
    expect(await fga.decide(alice, EXECUTE_WEATHER)).toEqual({ allowed: false, reason: 'upstream_unavailable' });
    expect(await fga.check(alice, EXECUTE_WEATHER)).toBe(false);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.args[0]).toMatchObject({ reason: 'upstream_unavailable', status: 500 });
    expect(logger.text).not.toContain(emu.apiKey);
  });

  it('require() throws a 503 on an outage, not a 403: an outage is not a denial', async () => {
    const { fga } = provider();
    emu.injectFault('authorization.check', { status: 500 });
    const error = await fga.require(alice, EXECUTE_WEATHER).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(FGADeniedError);
    expect(error).toBeInstanceOf(WorkOSFGAUpstreamError);
    expect(error).toMatchObject({ status: 503, code: 'fga_upstream_error', operation: 'authorization.check' });
    expect((error as Error).message).not.toContain(emu.apiKey);
    emu.clearFaults();
    await expect(fga.require(alice, EXECUTE_WEATHER)).resolves.toBeUndefined();
  });

  it('denies on publicByDefault when the membership confirmation fails', async () => {
    const { fga } = provider({ publicByDefault: true });
    emu.injectFault('getOrganizationMembership', { status: 503 });
    expect(await fga.decide(alice, { resource: { type: 'agent', id: 'ghost' }, permission: 'agents:read' })).toEqual({
      allowed: false,
      reason: 'upstream_unavailable',
    });
  });

  it("stops calling while a 429's Retry-After runs", async () => {
    const { fga, logger } = provider();
    emu.injectFault('authorization.check', { status: 429, headers: { 'Retry-After': '30' }, times: 1 });
    expect(await fga.check(alice, EXECUTE_WEATHER)).toBe(false);
    expect(await fga.check(alice, EXECUTE_WEATHER)).toBe(false);
    expect(emu.callCount('authorization.check')).toBe(1);
    expect(logger.lines[0]?.args[0]).toMatchObject({ reason: 'upstream_rate_limited', retryAfterSec: 30 });
  });

  it('denies when WorkOS does not answer within requestTimeoutMs', async () => {
    const { fga } = provider({ requestTimeoutMs: 200 });
    emu.injectFault('authorization.check', { hang: true });
    expect(await fga.decide(alice, EXECUTE_WEATHER)).toEqual({ allowed: false, reason: 'upstream_unavailable' });
    await expect(fga.require(alice, EXECUTE_WEATHER)).rejects.toMatchObject({ status: 503 });
  });

  it('a failed permission never grants, but a later granted one still does', async () => {
    const { fga } = provider();
    emu.injectFault('authorization.check', { status: 500, times: 1 });
    expect(await fga.check(alice, { resource: { type: 'agent', id: 'chef' }, permission: ['agents:execute', 'agents:read'] })).toBe(true);
    emu.injectFault('authorization.check', { status: 500, times: 1 });
    expect(await fga.check(alice, { resource: { type: 'agent', id: 'chef' }, permission: ['agents:read', 'agents:execute'] })).toBe(false);
  });
});

describe('bad input gets a clear no, never a crash', () => {
  it.each([
    ['no user', null, EXECUTE_WEATHER],
    ['a string user', 'alice', EXECUTE_WEATHER],
    ['no params', 'ALICE', undefined],
    ['no resource', 'ALICE', { permission: 'agents:read' }],
    ['a numeric id', 'ALICE', { resource: { type: 'agent', id: 42 }, permission: 'agents:read' }],
    ['an empty id', 'ALICE', { resource: { type: 'agent', id: '' }, permission: 'agents:read' }],
    ['no permission', 'ALICE', { resource: { type: 'agent', id: 'weather' } }],
    ['an empty permission list', 'ALICE', { resource: { type: 'agent', id: 'weather' }, permission: [] }],
    ['a non-string permission', 'ALICE', { resource: { type: 'agent', id: 'weather' }, permission: [7] }],
  ])('%s', async (_name, rawUser, params) => {
    const { fga } = provider({ publicByDefault: true });
    const user = (rawUser === 'ALICE' ? alice : rawUser) as WorkOSUser;
    expect(await fga.decide(user, params as never)).toMatchObject({ allowed: false });
    await expect(fga.require(user, params as never)).rejects.toBeInstanceOf(Error);
    expect(emu.callCount()).toBe(0);
  });
});

describe('call sharing', () => {
  it('asks once per request for identical checks (same request context)', async () => {
    const { fga } = provider();
    const requestContext = new RequestContext();
    const params = { ...EXECUTE_WEATHER, context: { requestContext } };
    expect(await Promise.all([fga.check(alice, params), fga.check(alice, params)])).toEqual([true, true]);
    expect(await fga.check(alice, params)).toBe(true);
    expect(emu.callCount('authorization.check')).toBe(1);
    expect(await fga.check(alice, { ...EXECUTE_WEATHER, context: { requestContext: new RequestContext() } })).toBe(true);
    expect(emu.callCount('authorization.check')).toBe(2);
  });

  it('without the cache option, every request asks WorkOS (a revocation applies at once)', async () => {
    const { fga } = provider();
    await fga.check(alice, EXECUTE_WEATHER);
    await fga.check(alice, EXECUTE_WEATHER);
    expect(emu.callCount('authorization.check')).toBe(2);
  });

  it('with the cache option, repeats are served locally until a change through the provider', async () => {
    const { fga } = provider({ cache: { ttlMs: 60_000, maxSize: 100 } });
    expect(await fga.check(alice, EXECUTE_CHEF)).toBe(false);
    expect(await fga.check(alice, EXECUTE_CHEF)).toBe(false);
    expect(emu.callCount('authorization.check')).toBe(1);
    await fga.assignRole({ organizationMembershipId: aliceAcme.id, roleSlug: 'agent-runner', resourceId: chef.id });
    expect(await fga.check(alice, EXECUTE_CHEF)).toBe(true);
    expect(emu.callCount('authorization.check')).toBe(2);
    await fga.removeRole({ organizationMembershipId: aliceAcme.id, roleSlug: 'agent-runner', resourceId: chef.id });
    expect(await fga.check(alice, EXECUTE_CHEF)).toBe(false);
  });
});

describe("Mastra's internal agent workflows", () => {
  const INTERNAL = { resource: { type: 'workflow', id: 'executionWorkflow' }, permission: 'workflows:execute' };

  it('are covered by an agents:execute grant earlier in the same request, without a WorkOS call', async () => {
    const { fga } = provider();
    const requestContext = new RequestContext();
    expect(await fga.check(alice, { ...EXECUTE_WEATHER, context: { requestContext } })).toBe(true);
    emu.resetCalls();
    expect(await fga.decide(alice, { ...INTERNAL, context: { requestContext } })).toEqual({ allowed: true, reason: 'covered_by_agent_check' });
    expect(emu.callCount()).toBe(0);
  });

  it('are checked like any workflow otherwise: another request, a denied agent, or checkInternalWorkflows', async () => {
    const { fga } = provider();
    const denied = new RequestContext();
    expect(await fga.check(alice, { ...EXECUTE_CHEF, context: { requestContext: denied } })).toBe(false);
    expect(await fga.decide(alice, { ...INTERNAL, context: { requestContext: denied } })).toEqual({ allowed: false, reason: 'resource_not_registered' });
    expect(await fga.decide(alice, { ...INTERNAL, context: { requestContext: new RequestContext() } })).toMatchObject({ allowed: false });
    expect(await fga.decide(alice, INTERNAL)).toMatchObject({ allowed: false });

    const { fga: strict } = provider({ checkInternalWorkflows: true });
    const requestContext = new RequestContext();
    expect(await strict.check(alice, { ...EXECUTE_WEATHER, context: { requestContext } })).toBe(true);
    expect(await strict.decide(alice, { ...INTERNAL, context: { requestContext } })).toEqual({ allowed: false, reason: 'resource_not_registered' });
  });
});
