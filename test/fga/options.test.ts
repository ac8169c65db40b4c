import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkOSConfigError } from '../../src';
import { MastraFGAWorkos, type MastraFGAWorkosOptions } from '../../src/fga';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';

let emu: WorkOSEmulator;
const savedEnv = { ...process.env };

beforeAll(async () => {
  emu = await startWorkOSEmulator();
});

afterAll(async () => {
  await emu?.stop();
});

afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith('WORKOS_')) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

function configError(options: unknown): WorkOSConfigError {
  try {
    new MastraFGAWorkos(options as MastraFGAWorkosOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(WorkOSConfigError);
    return error as WorkOSConfigError;
  }
  throw new Error('expected a WorkOSConfigError');
}

describe('credentials', () => {
  it('names both options and both environment variables when they are missing', () => {
    delete process.env.WORKOS_API_KEY;
    delete process.env.WORKOS_CLIENT_ID;
    const error = configError({});
    expect(error.option).toBe('apiKey');
    for (const name of ['apiKey', 'clientId', 'WORKOS_API_KEY', 'WORKOS_CLIENT_ID', 'MastraFGAWorkos']) expect(error.message).toContain(name);
    expect(configError({ apiKey: 'sk_test_x' }).option).toBe('clientId');
  });

  it('falls back to the environment, including the API host', async () => {
    Object.assign(process.env, emu.env());
    const fga = new MastraFGAWorkos();
    await expect(fga.listResources()).resolves.toEqual([]);
    expect(emu.callCount('authorization.listResources')).toBe(1);
  });

  it('adopts a ready WorkOS client', async () => {
    const workos = emu.createWorkOSClient();
    const fga = new MastraFGAWorkos({ apiKey: emu.apiKey, clientId: emu.clientId, workos });
    expect(fga.getWorkOS()).toBe(workos);
  });
});

describe('FGA options', () => {
  const base = () => ({ ...emu.connection });

  it.each([
    ['organizationId', { organizationId: '' }],
    ['resourceMapping', { resourceMapping: 'agents' }],
    ['resourceMapping.agent', { resourceMapping: { agent: null } }],
    ['resourceMapping.agent.fgaResourceType', { resourceMapping: { agent: {} } }],
    ['resourceMapping.agent.deriveId', { resourceMapping: { agent: { fgaResourceType: 'agent', deriveId: 'id' } } }],
    ['resourceMapping.agent.parentFgaResourceType', { resourceMapping: { agent: { fgaResourceType: 'agent', parentFgaResourceType: 3 } } }],
    ['resourceMapping.agent.parentResourceTypeSlug', { resourceMapping: { agent: { fgaResourceType: 'agent', parentResourceTypeSlug: '' } } }],
    [
      'resourceMapping.agent.parentResourceTypeSlug',
      { resourceMapping: { agent: { fgaResourceType: 'agent', parentResourceTypeSlug: 'team', parentFgaResourceType: 'project' } } },
    ],
    ['permissionMapping', { permissionMapping: ['agents:read'] }],
    ['permissionMapping.agents:read', { permissionMapping: { 'agents:read': '' } }],
    ['publicByDefault', { publicByDefault: 'yes' }],
    ['requireForProtectedRoutes', { requireForProtectedRoutes: 1 }],
    ['auditProtectedRoutes', { auditProtectedRoutes: 'loud' }],
    ['resolveRouteFGA', { resolveRouteFGA: {} }],
    ['validatePermissions', { validatePermissions: 'strict' }],
    ['requestTimeoutMs', { requestTimeoutMs: 0 }],
    ['filterConcurrency', { filterConcurrency: 1000 }],
    ['filterConcurrency', { filterConcurrency: 2.5 }],
    ['filterMaxChecks', { filterMaxChecks: 0 }],
    ['filterMaxChecks', { filterMaxChecks: 12.5 }],
    ['filterMaxChecks', { filterMaxChecks: '500' }],
    ['cache.ttlMs', { cache: { ttlMs: 3_600_000 } }],
    ['cache', { cache: true }],
    ['ownership', { ownership: true }],
    ['ownership.enabled', { ownership: { enabled: 'yes' } }],
    ['ownership.ownerRole', { ownership: { enabled: true, ownerRole: '' } }],
    ['ownership.fallbackRoles', { ownership: { enabled: true, fallbackRoles: 'admin' } }],
    ['ownership.fallbackRoles', { ownership: { enabled: true, fallbackRoles: ['admin', ''] } }],
  ])('rejects a bad %s at construction, naming it', (option, bad) => {
    const error = configError({ ...base(), ...bad });
    expect(error.option).toBe(option);
    expect(error.message).toContain(option);
  });

  it('exposes the IFGAProvider properties Mastra reads, only when configured', () => {
    const plain = new MastraFGAWorkos(base());
    expect(plain.requireForProtectedRoutes).toBeUndefined();
    expect(plain.auditProtectedRoutes).toBeUndefined();
    expect(plain.resolveRouteFGA).toBeUndefined();
    expect(plain.validatePermissions).toBeUndefined();

    const resolveRouteFGA = () => null;
    const configured = new MastraFGAWorkos({ ...base(), requireForProtectedRoutes: true, auditProtectedRoutes: 'error', resolveRouteFGA });
    expect(configured.requireForProtectedRoutes).toBe(true);
    expect(configured.auditProtectedRoutes).toBe('error');
    expect(configured.resolveRouteFGA).toBe(resolveRouteFGA);
  });

  it('validatePermissions: true requires a mapping for every permission Mastra may check', async () => {
    const fga = new MastraFGAWorkos({ ...base(), validatePermissions: true, permissionMapping: { 'agents:read': 'read' } });
    await expect(fga.validatePermissions?.(['agents:read'])).resolves.toBeUndefined();
    const error = await fga.validatePermissions?.(['agents:read', 'agents:execute', 'tools:read']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkOSConfigError);
    expect((error as Error).message).toContain('agents:execute, tools:read');

    const seen: string[][] = [];
    const custom = new MastraFGAWorkos({ ...base(), validatePermissions: (permissions) => void seen.push(permissions) });
    await custom.validatePermissions?.(['agents:read']);
    expect(seen).toEqual([['agents:read']]);
  });
});
