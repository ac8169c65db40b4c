import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkOSUser } from '../../src';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { fgaFor, seedOrganizations, signedInUser } from './helpers';

/**
 * 600 agents registered in one organization, all readable by Dana through her organization role
 * `auditor`: the per-item path would need 600 checks, one per item.
 */
let emu: WorkOSEmulator;
let dana: WorkOSUser;

const ITEMS = Array.from({ length: 600 }, (_, i) => ({ id: `bulk-${String(i).padStart(3, '0')}` }));

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  const { acme } = seedOrganizations(emu);
  const user = emu.createUser({ email: 'dana@acme.test' });
  emu.createMembership({ userId: user.id, organizationId: acme.id, role: 'auditor' });
  for (const item of ITEMS) emu.createResource({ organizationId: acme.id, resourceTypeSlug: 'agent', externalId: item.id });
  dana = await signedInUser(emu, user);
});

afterAll(async () => {
  await emu?.stop();
});

beforeEach(() => {
  emu.clearFaults();
  emu.resetCalls();
});

describe('filterAccessible without a parent: filterMaxChecks bounds the checks of one call', () => {
  it('makes exactly 500 checks for 600 items by default, denies the rest, and warns once recommending a parent mapping', async () => {
    const { fga, logger } = fgaFor(emu, { clock: new ManualClock() });
    const accessible = await fga.filterAccessible(dana, ITEMS, 'agent', 'agents:read');
    expect(accessible).toEqual(ITEMS.slice(0, 500));
    expect(emu.callCount('authorization.check')).toBe(500);
    expect(emu.callCount()).toBe(500);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/filterMaxChecks/);
    expect(warnings[0]?.message).toMatch(/parent/);
    expect(warnings[0]?.args[0]).toMatchObject({ reason: 'filter_budget_exhausted', items: 600, checked: 500, denied: 100 });
    process.stdout.write(`[fga measurement] filterAccessible over 600 items without a parent: ${emu.callCount('authorization.check')} checks, ${ITEMS.length - accessible.length} denied past the budget\n`);
  });

  it('warns once per window, however many calls run out of budget', async () => {
    const clock = new ManualClock();
    const { fga, logger } = fgaFor(emu, { clock, filterMaxChecks: 10 });
    for (let call = 0; call < 3; call += 1) expect(await fga.filterAccessible(dana, ITEMS.slice(0, 20), 'agent', 'agents:read')).toEqual(ITEMS.slice(0, 10));
    expect(emu.callCount('authorization.check')).toBe(30);
    expect(logger.reasons().filter((reason) => reason === 'filter_budget_exhausted')).toHaveLength(1);
    clock.advance(60_001);
    await fga.filterAccessible(dana, ITEMS.slice(0, 20), 'agent', 'agents:read');
    const budgetLines = logger.lines.filter((line) => (line.args[0] as { reason?: string }).reason === 'filter_budget_exhausted');
    expect(budgetLines).toHaveLength(2);
    expect(budgetLines[1]?.args[0]).toMatchObject({ suppressedSinceLast: 2 });
  });

  it('counts every WorkOS check of an ANY-of list against the budget', async () => {
    // `agents:execute` is not granted to an auditor, so each item costs two checks (execute, then read).
    const { fga } = fgaFor(emu, { filterMaxChecks: 7, filterConcurrency: 1 });
    const accessible = await fga.filterAccessible(dana, ITEMS.slice(0, 10), 'agent', ['agents:execute', 'agents:read'] as never);
    expect(emu.callCount('authorization.check')).toBe(7);
    expect(accessible).toEqual(ITEMS.slice(0, 3));
  });

  it('does not warn when the budget covers every item', async () => {
    const { fga, logger } = fgaFor(emu, { filterMaxChecks: 20 });
    expect(await fga.filterAccessible(dana, ITEMS.slice(0, 20), 'agent', 'agents:read')).toEqual(ITEMS.slice(0, 20));
    expect(emu.callCount('authorization.check')).toBe(20);
    expect(logger.reasons()).not.toContain('filter_budget_exhausted');
  });

  it('does not apply to the parent path (one listing answers for every item)', async () => {
    const { fga } = fgaFor(emu, {
      filterMaxChecks: 1,
      resourceMapping: { agent: { fgaResourceType: 'agent', parentFgaResourceType: 'team', deriveParentId: () => 'no-team' } },
    });
    // The parent is not registered: per-item fallback, still bounded.
    expect(await fga.filterAccessible(dana, ITEMS.slice(0, 5), 'agent', 'agents:read')).toEqual(ITEMS.slice(0, 1));
    expect(emu.callCount('authorization.check')).toBe(1);
  });
});
