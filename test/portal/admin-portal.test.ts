import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PORTAL_INTENTS, WorkOSAdminPortal, WorkOSAdminPortalIntentError, WorkOSConfigError, type AdminPortalIntent } from '../../src';
import { startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';

let emu: WorkOSEmulator;
let org: { id: string };

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  org = emu.createOrganization({ name: 'Acme' });
});
afterAll(() => emu?.stop());
beforeEach(() => emu.resetCalls());

describe('WorkOSAdminPortal', () => {
  it("defaults to the 'sso' intent and returnUrl '/' (upstream's)", async () => {
    const portal = new WorkOSAdminPortal(emu.createWorkOSClient());
    const link = await portal.getPortalLink(org.id);
    expect(link).toMatch(/\/portal\/launch\?secret=/);
    expect(emu.portalLinks.at(-1)).toEqual({ organization: org.id, intent: 'sso', returnUrl: '/', successUrl: undefined, link });
  });

  it('generates a link for every intent the SDK knows, with the configured URLs (SDK 11 adminPortal module)', async () => {
    const portal = new WorkOSAdminPortal(emu.createWorkOSClient(), {
      returnUrl: 'https://app.acme.test/settings',
      successUrl: 'https://app.acme.test/done',
    });
    for (const intent of ADMIN_PORTAL_INTENTS) await portal.getPortalLink(org.id, intent);
    expect(emu.portalLinks.slice(-ADMIN_PORTAL_INTENTS.length).map((link) => [link.intent, link.returnUrl, link.successUrl])).toEqual(
      ADMIN_PORTAL_INTENTS.map((intent) => [intent, 'https://app.acme.test/settings', 'https://app.acme.test/done']),
    );
    expect(ADMIN_PORTAL_INTENTS).toEqual(expect.arrayContaining(['sso', 'dsync', 'audit_logs', 'log_streams']));
    expect(emu.callCount('adminPortal.generateLink')).toBe(ADMIN_PORTAL_INTENTS.length);
  });

  it('an unknown intent is a clear error, and WorkOS is not called', async () => {
    const portal = new WorkOSAdminPortal(emu.createWorkOSClient());
    const error = await portal.getPortalLink(org.id, 'sso_setup' as AdminPortalIntent).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkOSAdminPortalIntentError);
    expect((error as Error).message).toMatch(/sso_setup.*sso, dsync, audit_logs, log_streams/);
    expect(emu.callCount()).toBe(0);
  });

  it('an unknown organization rejects with a classified 404 (an answer, not logged as trouble)', async () => {
    const logger = new CaptureLogger();
    const portal = new WorkOSAdminPortal(emu.createWorkOSClient(), { logger });
    await expect(portal.getPortalLink('org_missing', 'dsync')).rejects.toMatchObject({ kind: 'not_found', status: 404, operation: 'generateLink' });
    expect(logger.lines).toEqual([]);
  });

  it('a WorkOS outage is logged once with status and request id, never the API key', async () => {
    const logger = new CaptureLogger();
    const portal = new WorkOSAdminPortal(emu.createWorkOSClient(), { logger });
    emu.injectFault('adminPortal.generateLink', { status: 503, times: 1 });
    await expect(portal.getPortalLink(org.id)).rejects.toMatchObject({ kind: 'unavailable', status: 503 });
    expect(logger.text).toContain('upstream_unavailable');
    expect(logger.text).toContain('req_emulator_');
    expect(logger.text).not.toContain(emu.apiKey);
  });

  it('falls back to the pre-9 `portal` module when `adminPortal` is absent', async () => {
    const modern = emu.createWorkOSClient();
    const legacy = { portal: modern.adminPortal } as unknown as ConstructorParameters<typeof WorkOSAdminPortal>[0];
    expect(await new WorkOSAdminPortal(legacy).getPortalLink(org.id, 'audit_logs')).toMatch(/secret=/);
    expect(emu.portalLinks.at(-1)?.intent).toBe('audit_logs');
  });

  it('refuses a client without a portal module and empty options at construction', () => {
    expect(() => new WorkOSAdminPortal({} as never)).toThrow(WorkOSConfigError);
    expect(() => new WorkOSAdminPortal(emu.createWorkOSClient(), { returnUrl: '' })).toThrow(/returnUrl/);
  });

  it('refuses an empty organization id', async () => {
    await expect(new WorkOSAdminPortal(emu.createWorkOSClient()).getPortalLink('')).rejects.toThrow(/organizationId/);
  });
});
