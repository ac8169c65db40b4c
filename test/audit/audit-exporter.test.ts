import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkOSAuditEventError, WorkOSAuditExporter, WorkOSConfigError, type AuditEvent } from '../../src';
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

function exporter(options: { actionMapping?: Record<string, string> } = {}) {
  return new WorkOSAuditExporter(emu.createWorkOSClient(), { organizationId: org.id, logger: new CaptureLogger(), ...options });
}

const base: AuditEvent = {
  id: 'evt_1',
  createdAt: '2030-01-01T10:00:00.000Z',
  action: 'agent.generate',
  actor: { type: 'user', id: 'user_ada', email: 'ada@acme.test', ip: '203.0.113.7', userAgent: 'curl/8' },
  resource: { type: 'agent', id: 'weatherAgent', name: 'Weather' },
  outcome: 'success',
  duration: 12,
  metadata: { model: 'mock', tokens: 3, nested: { dropped: true } },
};

describe('WorkOSAuditExporter', () => {
  it('sends who did what to which resource, with the event id as Idempotency-Key', async () => {
    await exporter({ actionMapping: { 'agent.generate': 'mastra.agent.generate' } }).exportEvent({ ...base, id: `evt_${Date.now()}` });
    const stored = emu.auditEvents.at(-1);
    expect(stored?.organizationId).toBe(org.id);
    expect(stored?.idempotencyKey).toMatch(/^evt_/);
    expect(stored?.event).toEqual({
      action: 'mastra.agent.generate',
      occurred_at: '2030-01-01T10:00:00.000Z',
      actor: { type: 'user', id: 'user_ada', name: 'ada@acme.test' },
      targets: [{ type: 'agent', id: 'weatherAgent', name: 'Weather' }],
      context: { location: '203.0.113.7', user_agent: 'curl/8' },
      metadata: { model: 'mock', tokens: 3, outcome: 'success', duration: 12 },
    });
  });

  it('re-exporting the same event sends the same key and is stored once', async () => {
    const event = { ...base, id: `evt_twice_${Date.now()}` };
    const before = emu.auditEvents.length;
    await exporter().exportEvent(event);
    await exporter().exportEvent(event);
    expect(emu.callCount('auditLogs.createEvent')).toBe(2);
    expect(emu.auditEvents.length).toBe(before + 1);
  });

  it('an event without a resource still has one target (system), and an unknown location', async () => {
    const { resource: _resource, ...noResource } = base;
    await exporter().exportEvent({ ...noResource, id: `evt_sys_${Date.now()}`, actor: { type: 'system', id: 'cron' } });
    expect(emu.auditEvents.at(-1)?.event).toMatchObject({
      targets: [{ type: 'system', id: 'system' }],
      actor: { type: 'system', id: 'cron' },
      context: { location: 'unknown' },
    });
  });

  it('exportEvents sends in order and validates every event before sending any', async () => {
    const stamp = Date.now();
    await exporter().exportEvents([
      { ...base, id: `evt_a_${stamp}`, action: 'a' },
      { ...base, id: `evt_b_${stamp}`, action: 'b' },
    ]);
    expect(emu.auditEvents.slice(-2).map((item) => item.event.action)).toEqual(['a', 'b']);
    emu.resetCalls();
    await expect(exporter().exportEvents([{ ...base, id: 'ok' }, { ...base, id: '' }])).rejects.toBeInstanceOf(WorkOSAuditEventError);
    expect(emu.callCount()).toBe(0);
  });

  it('creates an export with the SDK names for actor filters, and polls it to ready', async () => {
    const audit = exporter();
    const created = await audit.createExport({
      startDate: new Date('2030-01-01T00:00:00Z'),
      endDate: new Date('2030-01-02T00:00:00Z'),
      actions: ['agent.generate'],
      actorIds: ['user_ada'],
      actorNames: ['ada@acme.test'],
    });
    expect(created).toMatchObject({ object: 'audit_log_export', state: 'pending' });
    expect(emu.auditExports.at(-1)?.request).toMatchObject({
      organization_id: org.id,
      range_start: '2030-01-01T00:00:00.000Z',
      range_end: '2030-01-02T00:00:00.000Z',
      actions: ['agent.generate'],
      actor_ids: ['user_ada'],
      actor_names: ['ada@acme.test'],
    });
    const pauses: number[] = [];
    const ready = await audit.waitForExport(created.id, { intervalMs: 250, sleep: async (ms) => void pauses.push(ms) });
    expect(ready).toMatchObject({ id: created.id, state: 'ready', url: expect.stringContaining(created.id) });
    expect(pauses).toEqual([250]); // one pending poll, then ready
  });

  it('waitForExport gives up after maxPolls', async () => {
    const audit = exporter();
    const created = await audit.createExport({ startDate: new Date(0), endDate: new Date(1) });
    await expect(audit.waitForExport(created.id, { maxPolls: 1, sleep: async () => undefined })).rejects.toThrow(/still pending after 1 polls/);
  });

  it('refuses bad input clearly', async () => {
    expect(() => new WorkOSAuditExporter(emu.createWorkOSClient(), { organizationId: '' })).toThrow(WorkOSConfigError);
    expect(() => new WorkOSAuditExporter({} as never, { organizationId: org.id })).toThrow(/WorkOS client/);
    await expect(exporter().exportEvent({ ...base, createdAt: 'not a date' })).rejects.toThrow(/createdAt/);
    await expect(exporter().exportEvent({ ...base, actor: { type: 'robot' as 'user', id: 'x' } })).rejects.toThrow(/actor/);
    expect(() => exporter().createExport({ startDate: new Date(2), endDate: new Date(1) })).toThrow(/startDate/);
  });

  it('a WorkOS refusal (unknown organization) surfaces as the SDK error', async () => {
    const audit = new WorkOSAuditExporter(emu.createWorkOSClient(), { organizationId: 'org_missing', logger: new CaptureLogger() });
    await expect(audit.exportEvent(base)).rejects.toMatchObject({ status: 404 });
  });
});
