/** The one WorkOS gateway, against the emulator through the real SDK. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WorkOSUpstreamError } from '../../src';
import { WorkOSGateway } from '../../src/shared/gateway';
import { OncePerWindowLogger } from '../../src/shared/log-once';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';

let emu: WorkOSEmulator;
let userId: string;

beforeAll(async () => {
  emu = await startWorkOSEmulator();
  userId = emu.createUser({ email: 'gateway@shared.test' }).id;
});
afterAll(() => emu?.stop());
beforeEach(() => {
  emu.clearFaults();
  emu.resetCalls();
});

function gateway(options: { clock?: ManualClock; workos?: ReturnType<WorkOSEmulator['createWorkOSClient']>; requestTimeoutMs?: number } = {}) {
  const logger = new CaptureLogger();
  const clock = options.clock ?? new ManualClock();
  const workos = options.workos ?? emu.createWorkOSClient();
  const log = new OncePerWindowLogger(() => logger, { clock });
  return { gateway: new WorkOSGateway(workos, { component: 'Test', requestTimeoutMs: options.requestTimeoutMs ?? 2_000, clock, log }), logger, clock, workos };
}

async function failureOf(promise: Promise<unknown>): Promise<WorkOSUpstreamError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(WorkOSUpstreamError);
  return error as WorkOSUpstreamError;
}

describe('classification and the log shape', () => {
  it.each([
    [404, 'not_found', undefined],
    [400, 'rejected', 'debug'],
    [422, 'rejected', 'debug'],
    [401, 'unauthorized', 'warn'],
    [500, 'unavailable', 'warn'],
    [503, 'unavailable', 'warn'],
  ] as const)('HTTP %i → kind %s, logged at %s', async (status, kind, level) => {
    const { gateway: g, logger } = gateway();
    emu.injectFault('getUser', { status });
    const error = await failureOf(g.call('getUser', (workos) => workos.userManagement.getUser(userId)));
    expect(error).toMatchObject({ kind, status, operation: 'getUser', code: `upstream_${kind}` });
    expect(error.requestId).toMatch(/^req_emulator_/);
    expect(logger.lines.map((line) => line.level)).toEqual(level === undefined ? [] : [level]);
    if (level !== undefined) {
      expect(logger.lines[0]?.args[0]).toMatchObject({ reason: `upstream_${kind}`, component: 'Test', operation: 'getUser', kind, status });
    }
    expect(g.calls).toBe(1);
    expect(g.callsOf('getUser')).toBe(1);
  });

  it('a hang ends at the deadline as kind timeout', async () => {
    const { gateway: g } = gateway({ requestTimeoutMs: 200 });
    emu.injectFault('getUser', { hang: true });
    expect((await failureOf(g.call('getUser', (workos) => workos.userManagement.getUser(userId)))).kind).toBe('timeout');
  });

  it('logs a cause once per window, however many calls fail', async () => {
    const { gateway: g, logger, clock } = gateway();
    emu.injectFault('getUser', { status: 500 });
    for (let attempt = 0; attempt < 5; attempt += 1) await failureOf(g.call('getUser', (workos) => workos.userManagement.getUser(userId)));
    expect(logger.lines).toHaveLength(1);
    clock.advance(60_000);
    await failureOf(g.call('getUser', (workos) => workos.userManagement.getUser(userId)));
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[1]?.args[0]).toMatchObject({ suppressedSinceLast: 4 });
  });
});

describe('the Retry-After gate', () => {
  it('after a 429 no call leaves this client until Retry-After has passed, for every gateway on it', async () => {
    const clock = new ManualClock();
    const first = gateway({ clock });
    const second = gateway({ clock, workos: first.workos }); // another component on the same client
    emu.injectFault('getUser', { status: 429, headers: { 'Retry-After': '30' }, times: 1 });
    expect((await failureOf(first.gateway.call('getUser', (workos) => workos.userManagement.getUser(userId)))).kind).toBe('rate_limited');
    const blocked = await failureOf(second.gateway.call('getUser', (workos) => workos.userManagement.getUser(userId)));
    expect(blocked).toMatchObject({ kind: 'rate_limited', retryAfterSec: 30 });
    expect(emu.callCount('getUser')).toBe(1);
    clock.advance(29_999);
    await failureOf(first.gateway.call('getUser', (workos) => workos.userManagement.getUser(userId)));
    expect(emu.callCount('getUser')).toBe(1);
    clock.advance(1);
    await expect(second.gateway.call('getUser', (workos) => workos.userManagement.getUser(userId))).resolves.toMatchObject({ id: userId });
    expect(emu.callCount('getUser')).toBe(2);
  });
});

describe('listAll', () => {
  it('follows cursors to the end, and reports a truncated list when the page bound is reached', async () => {
    const org = emu.createOrganization({ name: 'Paged' });
    for (let index = 0; index < 5; index += 1) {
      emu.createMembership({ userId: emu.createUser({ email: `paged${index}@shared.test` }).id, organizationId: org.id });
    }
    const { gateway: g } = gateway();
    const list = (workos: ReturnType<WorkOSEmulator['createWorkOSClient']>, after: string | undefined) =>
      workos.userManagement.listOrganizationMemberships({ organizationId: org.id, limit: 2, ...(after && { after }) });
    const all = await g.listAll('listOrganizationMemberships', list, 10);
    expect(all).toMatchObject({ complete: true });
    expect(all.items).toHaveLength(5);
    const cut = await g.listAll('listOrganizationMemberships', list, 2);
    expect(cut).toMatchObject({ complete: false });
    expect(cut.items).toHaveLength(4);
    expect(g.callsOf('listOrganizationMemberships')).toBe(5);
  });
});
