import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkOSUser } from '../../src';
import { WorkOSFGARequestError, WorkOSFGAUpstreamError, type FGAResourceTypeDescription } from '../../src/fga';
import {
  ManualClock,
  startWorkOSEmulator,
  type EmulatorOrganization,
  type EmulatorResource,
  type WorkOSEmulator,
} from '../../src/testing';
import { fgaFor, signedInUser } from './helpers';

/**
 * Acme's resource types, as WorkOS knows them:
 * - `organization`: the environment role `member`;
 * - `agent`: roles `owner`, `agent-viewer` and Acme's custom role `acme-agent-auditor`; agent `a1` under team `platform`;
 * - `team`: role `admin` (no `owner`: the fallback applies); team `platform`;
 * - `note`: role `note-reader` only (no owner, no fallback), no instances.
 * Initech has 150 `doc` resources and one `folder`, the oldest, so it is listed on the second page only.
 */
let emu: WorkOSEmulator;
let acme: EmulatorOrganization;
let globex: EmulatorOrganization;
let initech: EmulatorOrganization;
let alice: WorkOSUser;
let platform: EmulatorResource;

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  acme = emu.createOrganization({ name: 'Acme' });
  globex = emu.createOrganization({ name: 'Globex' });
  initech = emu.createOrganization({ name: 'Initech' });
  emu.defineRole({ slug: 'member', permissions: [] });
  emu.defineRole({ slug: 'owner', permissions: ['agents:read', 'agents:execute', 'agents:delete'], resourceTypeSlug: 'agent' });
  emu.defineRole({ slug: 'agent-viewer', permissions: ['agents:read'], resourceTypeSlug: 'agent' });
  emu.defineRole({ slug: 'admin', permissions: ['teams:manage'], resourceTypeSlug: 'team' });
  emu.defineRole({ slug: 'note-reader', permissions: ['notes:read'], resourceTypeSlug: 'note' });
  emu.defineRole({ slug: 'acme-agent-auditor', permissions: ['agents:read'], resourceTypeSlug: 'agent', organizationId: acme.id });
  platform = emu.createResource({ organizationId: acme.id, resourceTypeSlug: 'team', externalId: 'platform' });
  emu.createResource({ organizationId: acme.id, resourceTypeSlug: 'agent', externalId: 'a1', parentResourceId: platform.id });
  const folder = emu.createResource({ organizationId: initech.id, resourceTypeSlug: 'folder', externalId: 'root' });
  for (let i = 0; i < 150; i += 1) {
    emu.createResource({ organizationId: initech.id, resourceTypeSlug: 'doc', externalId: `doc-${i}`, parentResourceId: folder.id });
  }
  const user = emu.createUser({ email: 'alice@acme.test' });
  emu.createMembership({ userId: user.id, organizationId: acme.id, role: 'member' });
  alice = await signedInUser(emu, user);
});

afterAll(async () => {
  await emu?.stop();
});

beforeEach(() => {
  emu.clearFaults();
  emu.resetCalls();
});

function typeNamed(types: FGAResourceTypeDescription[], slug: string): FGAResourceTypeDescription | undefined {
  return types.find((type) => type.slug === slug);
}

describe('describeResourceTypes / hasResourceType', () => {
  it("derives an organization's types from its roles and every page of its resources", async () => {
    const { fga } = fgaFor(emu);
    const types = await fga.describeResourceTypes(acme.id);
    expect(types.map((type) => type.slug).sort()).toEqual(['agent', 'note', 'organization', 'team']);
    expect(typeNamed(types, 'agent')).toEqual({
      slug: 'agent',
      relations: ['owner', 'agent-viewer', 'acme-agent-auditor'],
      customRelations: ['acme-agent-auditor'],
      parentResourceTypeSlugs: ['team'],
      hasInstances: true,
    });
    expect(typeNamed(types, 'team')).toEqual({ slug: 'team', relations: ['admin'], customRelations: [], parentResourceTypeSlugs: [], hasInstances: true });
    expect(typeNamed(types, 'note')).toMatchObject({ relations: ['note-reader'], hasInstances: false });
    expect(typeNamed(types, 'organization')).toMatchObject({ relations: ['member'], hasInstances: false });
    expect(emu.callCount('authorization.listRoles')).toBe(1);
    expect(emu.callCount('authorization.listResources')).toBe(1);

    // Custom roles belong to their organization only.
    expect(typeNamed(await fga.describeResourceTypes(globex.id), 'agent')).toMatchObject({ customRelations: [], hasInstances: false });

    const initechTypes = await fga.describeResourceTypes(initech.id);
    expect(typeNamed(initechTypes, 'folder')).toMatchObject({ hasInstances: true, relations: [] }); // only on page 2
    expect(typeNamed(initechTypes, 'doc')).toMatchObject({ hasInstances: true, parentResourceTypeSlugs: ['folder'] });
    expect(emu.callCount('authorization.listResources')).toBe(1 + 1 + 2);
  });

  it('caches per organization for 60 s (shared clock), and hasResourceType reads the same answer', async () => {
    const clock = new ManualClock();
    const { fga } = fgaFor(emu, { clock });
    const first = await fga.describeResourceTypes(acme.id);
    first[0]?.relations.push('tampered');
    expect(await fga.hasResourceType(acme.id, 'agent')).toBe(true);
    expect(await fga.hasResourceType(acme.id, 'workflow')).toBe(false);
    expect((await fga.describeResourceTypes(acme.id))[0]?.relations).not.toContain('tampered');
    expect(emu.callCount()).toBe(2);
    clock.advance(59_999);
    await fga.describeResourceTypes(acme.id);
    expect(emu.callCount()).toBe(2);
    clock.advance(2);
    await fga.describeResourceTypes(acme.id);
    expect(emu.callCount()).toBe(4);
  });

  it('throws a 503 when WorkOS fails, and does not cache the failure', async () => {
    const { fga } = fgaFor(emu);
    emu.injectFault('authorization.listRoles', { status: 500, times: 1 });
    const error = await fga.describeResourceTypes(acme.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkOSFGAUpstreamError);
    expect(error).toMatchObject({ status: 503 });
    expect(await fga.hasResourceType(acme.id, 'agent')).toBe(true);
    await expect(fga.describeResourceTypes('')).rejects.toBeInstanceOf(WorkOSFGARequestError);
  });
});

describe('registerResource', () => {
  const OWNERSHIP = { ownership: { enabled: true } };

  it('creates the resource under its parent and makes the user its owner', async () => {
    const { fga } = fgaFor(emu, OWNERSHIP);
    const result = await fga.registerResource({
      user: alice,
      resourceType: 'agent',
      resourceId: 'fresh-agent',
      name: 'Fresh agent',
      parentResource: { type: 'team', id: 'platform' },
    });
    expect(result.warnings).toEqual([]);
    expect(result.resource).toMatchObject({
      externalId: 'fresh-agent',
      name: 'Fresh agent',
      resourceTypeSlug: 'agent',
      organizationId: acme.id,
      parentResourceId: platform.id,
    });
    expect(result.ownerAssignment).toMatchObject({ role: { slug: 'owner' }, resource: { externalId: 'fresh-agent', resourceTypeSlug: 'agent' } });
    expect(await fga.check(alice, { resource: { type: 'agent', id: 'fresh-agent' }, permission: 'agents:delete' })).toBe(true);
  });

  it('falls back to the first fallback role the type has, with a warning', async () => {
    const { fga, logger } = fgaFor(emu, { ownership: { enabled: true, fallbackRoles: ['editor', 'admin'] } });
    const result = await fga.registerResource({ user: alice, resourceType: 'team', resourceId: 'new-team', name: 'New team' });
    expect(result.resource).toMatchObject({ externalId: 'new-team', parentResourceId: null });
    expect(result.ownerAssignment).toMatchObject({ role: { slug: 'admin' } });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/owner.*admin/);
    expect(logger.reasons()).toContain('register_owner_fallback');
  });

  it('creates without an owner when the type has neither role, or when ownership is skipped or off', async () => {
    const { fga } = fgaFor(emu, { ownership: { enabled: true, ownerRole: 'owner' } });
    const noRole = await fga.registerResource({ user: alice, resourceType: 'note', resourceId: 'n1', name: 'Note' });
    expect(noRole.resource).toMatchObject({ externalId: 'n1' });
    expect(noRole.ownerAssignment).toBeNull();
    expect(noRole.warnings).toEqual([expect.stringMatching(/no owner was assigned/)]);

    const skipped = await fga.registerResource({ user: alice, resourceType: 'agent', resourceId: 'a-skip', name: 'A', skipOwnership: true });
    expect(skipped).toMatchObject({ ownerAssignment: null, warnings: [] });
    expect(skipped.resource).not.toBeNull();

    const { fga: plain } = fgaFor(emu);
    const off = await plain.registerResource({ user: alice, resourceType: 'agent', resourceId: 'a-off', name: 'A' });
    expect(off).toMatchObject({ ownerAssignment: null, warnings: [] });
    expect(emu.callCount('authorization.assignRole')).toBe(0);
  });

  it('maps the Mastra type through resourceMapping, and the parent too', async () => {
    const { fga } = fgaFor(emu, { ...OWNERSHIP, resourceMapping: { bots: { fgaResourceType: 'agent' }, squad: { fgaResourceType: 'team' } } });
    const result = await fga.registerResource({
      user: alice,
      resourceType: 'bot',
      resourceId: 'bot-1',
      name: 'Bot',
      parentResource: { type: 'squad', id: 'platform' },
    });
    expect(result.resource).toMatchObject({ resourceTypeSlug: 'agent', parentResourceId: platform.id });
  });

  it('creates without the parent (warning) when the parent is not registered', async () => {
    const { fga } = fgaFor(emu);
    const result = await fga.registerResource({
      user: alice,
      resourceType: 'agent',
      resourceId: 'orphan',
      name: 'Orphan',
      parentResource: { type: 'team', id: 'no-such-team' },
    });
    expect(result.resource).toMatchObject({ externalId: 'orphan', parentResourceId: null });
    expect(result.warnings).toEqual([expect.stringMatching(/not registered.*without a parent/)]);
  });

  it('creates nothing for a type unknown in the organization, or without any organization', async () => {
    const { fga } = fgaFor(emu, OWNERSHIP);
    const unknown = await fga.registerResource({ user: alice, resourceType: 'workflow', resourceId: 'w1', name: 'W' });
    expect(unknown).toMatchObject({ resource: null, ownerAssignment: null });
    expect(unknown.warnings).toEqual([expect.stringMatching(/'workflow' is not defined/)]);

    const homeless = { ...alice, organizationId: undefined };
    const none = await fga.registerResource({ user: homeless, resourceType: 'agent', resourceId: 'a2', name: 'A' });
    expect(none).toMatchObject({ resource: null, ownerAssignment: null });
    expect(none.warnings).toEqual([expect.stringMatching(/no organization/)]);
    expect(emu.callCount('authorization.createResource')).toBe(0);

    // The configured organization stands in for a user without one.
    const { fga: configured } = fgaFor(emu, { organizationId: acme.id });
    expect((await configured.registerResource({ user: homeless, resourceType: 'agent', resourceId: 'a3', name: 'A' })).resource).toMatchObject({
      organizationId: acme.id,
    });
  });

  it('a registration refreshes the cached description of that organization', async () => {
    emu.defineRole({ slug: 'memo-reader', permissions: ['memos:read'], resourceTypeSlug: 'memo' });
    const { fga } = fgaFor(emu);
    expect(typeNamed(await fga.describeResourceTypes(acme.id), 'memo')?.hasInstances).toBe(false);
    await fga.registerResource({ user: alice, resourceType: 'memo', resourceId: 'm1', name: 'Memo' });
    expect(typeNamed(await fga.describeResourceTypes(acme.id), 'memo')?.hasInstances).toBe(true);
  });

  it('rejects malformed parameters before any call; a failing create throws a 503', async () => {
    const { fga } = fgaFor(emu, OWNERSHIP);
    for (const bad of [null, { user: alice }, { user: null, resourceType: 'agent', resourceId: 'x', name: 'x' }, { user: alice, resourceType: 'agent', resourceId: 'x', name: 'x', parentResource: { type: 'team' } }]) {
      await expect(fga.registerResource(bad as never)).rejects.toBeInstanceOf(WorkOSFGARequestError);
    }
    expect(emu.callCount()).toBe(0);
    emu.injectFault('authorization.createResource', { status: 500 });
    await expect(fga.registerResource({ user: alice, resourceType: 'agent', resourceId: 'x', name: 'x' })).rejects.toMatchObject({ status: 503 });
  });

  it('keeps the created resource when the owner assignment fails, with a warning', async () => {
    const { fga } = fgaFor(emu, OWNERSHIP);
    emu.injectFault('authorization.assignRole', { status: 500 });
    const result = await fga.registerResource({ user: alice, resourceType: 'agent', resourceId: 'half', name: 'Half' });
    expect(result.resource).toMatchObject({ externalId: 'half' });
    expect(result.ownerAssignment).toBeNull();
    expect(result.warnings).toEqual([expect.stringMatching(/failed/)]);
  });
});

describe('public properties', () => {
  it('ownership is the resolved object when enabled, else undefined; publicByDefault is readable', () => {
    expect(fgaFor(emu).fga.ownership).toBeUndefined();
    expect(fgaFor(emu, { ownership: { enabled: false, ownerRole: 'x' } }).fga.ownership).toBeUndefined();
    expect(fgaFor(emu, { ownership: { enabled: true } }).fga.ownership).toEqual({ enabled: true, ownerRole: 'owner', fallbackRoles: ['admin', 'editor'] });
    expect(fgaFor(emu, { ownership: { enabled: true, ownerRole: 'creator', fallbackRoles: [] } }).fga.ownership).toEqual({
      enabled: true,
      ownerRole: 'creator',
      fallbackRoles: [],
    });
    expect(fgaFor(emu).fga.publicByDefault).toBe(false);
    expect(fgaFor(emu, { publicByDefault: true }).fga.publicByDefault).toBe(true);
  });
});
