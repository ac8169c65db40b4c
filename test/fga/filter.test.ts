import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MastraFGAWorkosOptions } from '../../src/fga';
import type { WorkOSUser } from '../../src';
import { startWorkOSEmulator, type EmulatorMembership, type EmulatorResource, type WorkOSEmulator } from '../../src/testing';
import { fgaFor, seedOrganizations, signedInUser, waitUntil, type FGAWorld } from './helpers';

/**
 * 100 agents in Acme: agent-00 … agent-99, registered under the team `platform`. Alice is a
 * `team-member` of the team (agents:read on every agent below it) and `agent-runner` of the
 * even-numbered agents (agents:execute there). Bob (org role `member`) holds nothing.
 */
let emu: WorkOSEmulator;
let world: FGAWorld;
let alice: WorkOSUser;
let bob: WorkOSUser;
let aliceAcme: EmulatorMembership;
let team: EmulatorResource;

const AGENTS = Array.from({ length: 100 }, (_, i) => ({ id: `agent-${String(i).padStart(2, '0')}`, name: `Agent ${i}` }));
const EVEN = AGENTS.filter((_, i) => i % 2 === 0);

const TEAM_MAPPING: MastraFGAWorkosOptions['resourceMapping'] = {
  agent: { fgaResourceType: 'agent', parentFgaResourceType: 'team', deriveParentId: () => 'platform' },
};

function provider(options: MastraFGAWorkosOptions = {}) {
  return fgaFor(emu, options);
}

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  world = seedOrganizations(emu);
  const aliceUser = emu.createUser({ email: 'alice@acme.test' });
  const bobUser = emu.createUser({ email: 'bob@acme.test' });
  aliceAcme = emu.createMembership({ userId: aliceUser.id, organizationId: world.acme.id });
  emu.createMembership({ userId: bobUser.id, organizationId: world.acme.id });
  alice = await signedInUser(emu, aliceUser);
  bob = await signedInUser(emu, bobUser);
  team = emu.createResource({ organizationId: world.acme.id, resourceTypeSlug: 'team', externalId: 'platform' });
  emu.assignRole({ organizationMembershipId: aliceAcme.id, roleSlug: 'team-member', resourceId: team.id });
  AGENTS.forEach((agent, i) => {
    const resource = emu.createResource({
      organizationId: world.acme.id,
      resourceTypeSlug: 'agent',
      externalId: agent.id,
      parentResourceId: team.id,
    });
    if (i % 2 === 0) emu.assignRole({ organizationMembershipId: aliceAcme.id, roleSlug: 'agent-runner', resourceId: resource.id });
  });
});

afterAll(async () => {
  await emu?.stop();
});

beforeEach(() => {
  emu.clearFaults();
  emu.resetCalls();
});

// Runs first: later tests register more children under the team.
describe('measurement: WorkOS calls of filterAccessible over 100 agents', () => {
  it('prints the numbers for the report', async () => {
    const perItem = provider().fga;
    await perItem.filterAccessible(alice, AGENTS, 'agent', 'agents:read');
    const perItemCalls = perItem.getStats().workosApiCalls;
    const viaParent = provider({ resourceMapping: TEAM_MAPPING }).fga;
    await viaParent.filterAccessible(alice, AGENTS, 'agent', 'agents:read');
    const parentCalls = viaParent.getStats().workosApiCalls;
    expect(perItemCalls).toBe(100);
    expect(parentCalls).toBe(1);
    process.stdout.write(`[fga measurement] filterAccessible over 100 agents: per-item path ${perItemCalls} calls, parent path ${parentCalls} call(s)\n`);
  });
});

describe('filterAccessible, per-item path (no derivable parent)', () => {
  it('checks each of 100 agents with one call each and keeps the granted ones, in order', async () => {
    const { fga } = provider();
    const accessible = await fga.filterAccessible(alice, AGENTS, 'agent', 'agents:execute');
    expect(accessible).toEqual(EVEN);
    expect(emu.callCount('authorization.check')).toBe(100);
    expect(emu.callCount()).toBe(100);
    expect(fga.getStats().workosApiCalls).toBe(100);
  });

  it('never has more than filterConcurrency checks in flight, and stops calling a failing WorkOS', async () => {
    const { fga } = provider({ requestTimeoutMs: 1_000, filterConcurrency: 5 });
    emu.injectFault('authorization.check', { hang: true });
    const pending = fga.filterAccessible(alice, AGENTS, 'agent', 'agents:read');
    await waitUntil(() => emu.calls.filter((call) => call.status === 0).length >= 5, 'five checks are in flight');
    // Give a runaway fan-out a few event-loop turns to show itself before the deadline hits.
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(emu.calls.length).toBe(5);
    expect(await pending).toEqual([]);
    expect(emu.callCount('authorization.check')).toBe(5);
  });

  it('shares one check between items that name the same WorkOS resource', async () => {
    const { fga } = provider({ resourceMapping: { agent: { fgaResourceType: 'team', deriveId: () => 'platform' } } });
    const accessible = await fga.filterAccessible(alice, AGENTS, 'agent', 'agents:read');
    expect(accessible).toHaveLength(100);
    expect(emu.callCount('authorization.check')).toBe(1);
  });

  it('lets unregistered items through only with publicByDefault (one membership confirmation)', async () => {
    const items = [{ id: 'agent-00' }, { id: 'agent-01' }, { id: 'ghost-1' }, { id: 'ghost-2' }];
    const { fga: closed } = provider();
    expect(await closed.filterAccessible(alice, items, 'agent', 'agents:execute')).toEqual([{ id: 'agent-00' }]);
    emu.resetCalls();
    const { fga: open } = provider({ publicByDefault: true });
    expect(await open.filterAccessible(alice, items, 'agent', 'agents:execute')).toEqual([{ id: 'agent-00' }, { id: 'ghost-1' }, { id: 'ghost-2' }]);
    expect(emu.callCount('authorization.check')).toBe(4);
    expect(emu.callCount('getOrganizationMembership')).toBe(1);
  });
});

describe('filterAccessible, parent path (derivable parent)', () => {
  it('answers for 100 agents with one listResourcesForMembership call', async () => {
    const { fga } = provider({ resourceMapping: TEAM_MAPPING });
    expect(await fga.filterAccessible(alice, AGENTS, 'agent', 'agents:read')).toEqual(AGENTS);
    expect(emu.callCount('authorization.listResourcesForMembership')).toBe(1);
    expect(emu.callCount()).toBe(1);
    emu.resetCalls();
    expect(await fga.filterAccessible(alice, AGENTS, 'agent', 'agents:execute')).toEqual(EVEN);
    expect(await fga.filterAccessible(bob, AGENTS, 'agent', 'agents:read')).toEqual([]);
    expect(emu.callCount()).toBe(2);
  });

  it('follows pagination past 100 accessible children', async () => {
    const extra = Array.from({ length: 30 }, (_, i) => ({ id: `extra-${i}` }));
    for (const item of extra) {
      emu.createResource({ organizationId: world.acme.id, resourceTypeSlug: 'agent', externalId: item.id, parentResourceId: team.id });
    }
    emu.resetCalls();
    const { fga } = provider({ resourceMapping: TEAM_MAPPING });
    const everything = [...AGENTS, ...extra];
    expect(await fga.filterAccessible(alice, everything, 'agent', 'agents:read')).toEqual(everything);
    expect(emu.callCount('authorization.listResourcesForMembership')).toBe(2);
  });

  it('the upstream convention (deriveId called without a resource) also names the parent', async () => {
    const { fga } = provider({
      resourceMapping: { agents: { fgaResourceType: 'agent', parentFgaResourceType: 'team', deriveId: (ctx) => (ctx.resource ? ctx.resource.id : 'platform') } },
    });
    expect(await fga.filterAccessible(alice, AGENTS, 'agent', 'agents:execute')).toEqual(EVEN);
    expect(emu.callCount()).toBe(1);
    expect(await fga.check(alice, { resource: { type: 'agent', id: 'agent-02' }, permission: 'agents:execute' })).toBe(true);
  });

  it("accepts upstream's parentResourceTypeSlug as an alias of parentFgaResourceType", async () => {
    const { fga } = provider({ resourceMapping: { agent: { fgaResourceType: 'agent', parentResourceTypeSlug: 'team', deriveParentId: () => 'platform' } } });
    expect(await fga.filterAccessible(alice, AGENTS, 'agent', 'agents:execute')).toEqual(EVEN);
    expect(emu.callCount('authorization.listResourcesForMembership')).toBe(1);
    expect(emu.callCount()).toBe(1);
  });

  it('compares each item\'s derived id (deriveId), not its raw id, with the listing', async () => {
    const items = AGENTS.slice(0, 4).map((agent) => ({ id: `mastra-${agent.id}` }));
    const { fga } = provider({
      resourceMapping: {
        agent: {
          fgaResourceType: 'agent',
          parentFgaResourceType: 'team',
          deriveParentId: () => 'platform',
          deriveId: (ctx) => ctx.resource?.id.replace(/^mastra-/, ''),
        },
      },
    });
    expect(await fga.filterAccessible(alice, items, 'agent', 'agents:execute')).toEqual([items[0], items[2]]);
    expect(emu.callCount()).toBe(1);
  });

  it('with publicByDefault adds unregistered items after one listing of the registered ones', async () => {
    const { fga } = provider({ resourceMapping: TEAM_MAPPING, publicByDefault: true });
    const items = [...AGENTS.slice(0, 4), { id: 'ghost', name: 'Ghost' }];
    expect(await fga.filterAccessible(alice, items, 'agent', 'agents:execute')).toEqual([AGENTS[0], AGENTS[2], { id: 'ghost', name: 'Ghost' }]);
    expect(emu.callCount('authorization.listResourcesForMembership')).toBe(1);
    expect(emu.callCount('authorization.listResources')).toBe(2); // 130 registered agents: two pages
    expect(emu.callCount('getOrganizationMembership')).toBe(1);
  });

  it('falls back to per-item checks when the parent is not registered', async () => {
    const { fga } = provider({
      resourceMapping: { agent: { fgaResourceType: 'agent', parentFgaResourceType: 'team', deriveParentId: () => 'no-such-team' } },
    });
    expect(await fga.filterAccessible(alice, AGENTS.slice(0, 4), 'agent', 'agents:execute')).toEqual([AGENTS[0], AGENTS[2]]);
    expect(emu.callCount('authorization.listResourcesForMembership')).toBe(1);
    expect(emu.callCount('authorization.check')).toBe(4);
  });

  it('returns nothing (fail closed) when WorkOS fails, after one call', async () => {
    const { fga, logger } = provider({ resourceMapping: TEAM_MAPPING, publicByDefault: true });
    emu.injectFault('authorization.listResourcesForMembership', { status: 500 });
    expect(await fga.filterAccessible(alice, AGENTS, 'agent', 'agents:read')).toEqual([]);
    expect(emu.callCount()).toBe(1);
    expect(logger.reasons()).toContain('upstream_unavailable');
  });
});

describe('filterAccessible, edge cases', () => {
  /** A user without any organization membership, as the provider returns it. */
  let loner: WorkOSUser;

  beforeAll(async () => {
    loner = await signedInUser(emu, emu.createUser({ email: 'loner@nowhere.test' }));
    expect(loner.memberships).toEqual([]);
  });

  it('returns nothing without a call for a user without membership, even with publicByDefault', async () => {
    const { fga } = provider({ publicByDefault: true });
    expect(await fga.filterAccessible(loner, AGENTS, 'agent', 'agents:read')).toEqual([]);
    expect(emu.callCount()).toBe(0);
  });

  it('makes no call for an empty list and drops malformed items', async () => {
    const { fga } = provider();
    expect(await fga.filterAccessible(alice, [], 'agent', 'agents:read')).toEqual([]);
    expect(emu.callCount()).toBe(0);
    const junk = [null, { id: 7 }, { id: '' }, { id: 'agent-00' }] as unknown as Array<{ id: string }>;
    expect(await fga.filterAccessible(alice, junk, 'agent', 'agents:execute')).toEqual([{ id: 'agent-00' }]);
    expect(await fga.filterAccessible(alice, 'nope' as never, 'agent', 'agents:read')).toEqual([]);
    expect(await fga.filterAccessible(null as never, AGENTS, 'agent', 'agents:read')).toEqual([]);
    expect(emu.callCount()).toBe(1);
  });
});
