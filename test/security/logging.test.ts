/**
 * What the provider tells operators about rejections: a typed reason per failure, once per reason
 * per window, debug for routine rejections and warn for WorkOS trouble, and never a token, an API
 * key or a cookie, not even a piece of one.
 */
import { Mastra } from '@mastra/core/mastra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkOSEmulator } from '../../src/testing';
import { startMastraServer, type RunningMastraServer } from '../helpers/mastra-server';
import { CaptureLogger } from '../support/capture-logger';
import { API_KEY, b64url, craft, expectNoSecrets, goodClaims, makeProvider, nowSec, startEmulator } from './helpers';

let emu: WorkOSEmulator;
let userId: string;

beforeAll(async () => {
  emu = await startEmulator();
  userId = emu.createUser({ email: 'log@acme.test' }).id;
});

afterAll(async () => {
  await emu?.stop();
});

/** One input per rejection reason reachable without faults, with the level it must log at. */
function reasonCases(): Array<[reason: string, level: string, make: () => Promise<string> | string]> {
  return [
    ['token_malformed', 'debug', () => 'a.b.c.d'],
    ['token_too_large', 'debug', () => 'x'.repeat(10_000)],
    ['alg_not_allowed', 'debug', () => craft({ alg: 'none', kid: emu.currentKid }, goodClaims(emu, userId))],
    ['kid_missing', 'debug', () => emu.mintAccessToken({ sub: userId, kid: null })],
    ['crit_unsupported', 'debug', () => emu.mintAccessToken({ sub: userId, header: { crit: ['exp'] } })],
    ['claim_invalid', 'debug', () => emu.mintAccessToken({ sub: userId, exp: String(nowSec() + 300) })],
    ['token_expired', 'debug', () => emu.mintAccessToken({ sub: userId, expiresIn: -3600 })],
    ['token_not_yet_valid', 'debug', () => emu.mintAccessToken({ sub: userId, nbf: nowSec() + 3600 })],
    ['issuer_mismatch', 'debug', () => emu.mintAccessToken({ sub: userId, iss: 'https://evil.test' })],
    ['key_not_found', 'debug', () => emu.mintAccessToken({ sub: userId, kid: 'kid_unknown' })],
    ['signature_invalid', 'debug', () => emu.mintAccessToken({ sub: userId, signWith: 'foreign' })],
    ['user_not_found', 'debug', () => emu.mintAccessToken({ sub: 'user_01NOBODY00000000000000000' })],
  ];
}

describe('reason codes, levels and once-per-window', () => {
  it('each rejection logs its typed reason once, at its level; repeats are suppressed', async () => {
    const subject = makeProvider(emu);
    const cases = reasonCases();
    const inputs: string[] = [];
    for (const [, , make] of cases) inputs.push(await make());

    for (const input of inputs) expect(await subject.auth.authenticateToken(input)).toBeNull();
    const firstRound = subject.logger.lines.length;

    for (const [reason, level] of cases) {
      const lines = subject.logger.lines.filter((line) => (line.args[0] as { reason?: string }).reason === reason);
      expect(lines, reason).toHaveLength(1);
      expect(lines[0]?.level, reason).toBe(level);
      // The code travels as data, for log queries and metrics.
      expect(lines[0]?.args[0]).toMatchObject({ reason, code: reason });
    }

    // Ten more rounds of the same failures (fresh tokens, so no cache can hide them): no new lines.
    for (let round = 0; round < 10; round += 1) {
      for (const [, , make] of cases) expect(await subject.auth.authenticateToken(await make())).toBeNull();
    }
    expect(subject.logger.lines.length).toBe(firstRound);
    expectNoSecrets(subject.logger, inputs);
  });

  it('missing tokens are routine and not logged at all', async () => {
    const subject = makeProvider(emu);
    for (const input of ['', '  ', 'Bearer', 'Bearer ']) expect(await subject.auth.authenticateToken(input)).toBeNull();
    expect(subject.logger.lines).toEqual([]);
  });

  it('WorkOS trouble logs at warn: key set unavailable, upstream failure and rate limit', async () => {
    const subject = makeProvider(emu, { jwks: { timeoutMs: 300 }, requestTimeoutMs: 300 });
    emu.injectFault('jwks', { status: 500, times: 1 });
    const jwksDown = await emu.mintAccessToken({ sub: userId });
    expect(await subject.auth.authenticateToken(jwksDown)).toBeNull();
    emu.clearFaults();

    const healthy = makeProvider(emu, { requestTimeoutMs: 300 });
    emu.injectFault('getUser', { status: 503, times: 1 });
    emu.injectFault('getUser', { status: 429, headers: { 'Retry-After': '30' }, times: 1 });
    const down = await emu.mintAccessToken({ sub: userId });
    const limited = await emu.mintAccessToken({ sub: userId });
    expect(await healthy.auth.authenticateToken(down)).toBeNull();
    expect(await healthy.auth.authenticateToken(limited)).toBeNull();
    emu.clearFaults();

    const levels = (logger: CaptureLogger) =>
      Object.fromEntries(logger.lines.map((line) => [(line.args[0] as { reason: string }).reason, line.level]));
    expect(levels(subject.logger)).toEqual({ jwks_fetch_failed: 'warn', jwks_unavailable: 'warn' });
    expect(levels(healthy.logger)).toEqual({ upstream_unavailable: 'warn', upstream_rate_limited: 'warn' });
    // Safe context only: status and WorkOS request id, never the request itself.
    expect(healthy.logger.lines[0]?.args[0]).toMatchObject({ status: 503, requestId: expect.stringMatching(/^req_/) });
    expectNoSecrets(subject.logger, [jwksDown]);
    expectNoSecrets(healthy.logger, [down, limited]);
  });
});

describe('no secrets in the logs', () => {
  it('no log line of any rejection contains a JWT-looking string, the API key, or a credential', async () => {
    const subject = makeProvider(emu, { requestTimeoutMs: 300 });
    const inputs: string[] = [];
    for (const [, , make] of reasonCases()) inputs.push(await make());
    inputs.push(`Basic ${Buffer.from(`admin:${API_KEY}`).toString('base64')}`, `Token ${await emu.mintAccessToken({ sub: userId })}`);
    inputs.push(`${b64url({ alg: 'RS256', kid: emu.currentKid })}.${b64url({ sub: API_KEY })}.c2ln`);
    for (const input of inputs) expect(await subject.auth.authenticateToken(input)).toBeNull();

    expect(subject.logger.lines.length).toBeGreaterThan(5);
    // "eyJ" is base64url for '{"': the start of every JWT header and payload.
    expect(subject.logger.text).not.toContain('eyJ');
    expect(subject.logger.text).not.toContain(API_KEY);
    expectNoSecrets(subject.logger, inputs);
  });

  it('a throwing mapJwtPayloadToUser → null, logged at error without the hook error text', async () => {
    const valid = await emu.mintAccessToken({ sub: userId });
    const subject = makeProvider(emu, {
      mapJwtPayloadToUser: () => {
        throw new Error(`hook failed for token ${valid} with key ${API_KEY}`);
      },
    });
    expect(await subject.auth.authenticateToken(valid)).toBeNull();
    expect(subject.logger.reasons()).toEqual(['hook_failed']);
    expect(subject.logger.lines[0]?.level).toBe('error');
    expectNoSecrets(subject.logger, [valid]);
  });

  describe('through a real Mastra server', () => {
    let server: RunningMastraServer | undefined;
    let baseUrl: string;
    const providerLog = { logger: undefined as CaptureLogger | undefined };
    const serverLog = new CaptureLogger();

    beforeAll(async () => {
      const subject = makeProvider(emu, { requestTimeoutMs: 300 });
      providerLog.logger = subject.logger;
      const mastra = new Mastra({ server: { auth: subject.auth }, logger: serverLog });
      server = await startMastraServer(mastra);
      baseUrl = server.baseUrl;
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('rejected headers and cookies never reach the provider log, and the server log holds no token from us', async () => {
      const cookie = 'wos-session=Fe26.2**cookie_secret_value_9b8a7c6d5e4f';
      const expired = await emu.mintAccessToken({ sub: userId, expiresIn: -3600 });
      const forged = await emu.mintAccessToken({ sub: userId, signWith: 'foreign' });
      const headers: Array<Record<string, string>> = [
        { Cookie: cookie },
        { Authorization: `Bearer ${expired}`, Cookie: cookie },
        { Authorization: `Bearer ${forged}` },
        { Authorization: `Basic ${Buffer.from('admin:hunter2hunter2').toString('base64')}` },
      ];
      for (const h of headers) {
        const response = await fetch(`${baseUrl}/api/agents`, { headers: h });
        expect(response.status).toBe(401);
        await response.text();
      }
      const logger = providerLog.logger!;
      expect(logger.reasons()).toEqual(expect.arrayContaining(['token_expired', 'signature_invalid']));
      for (const log of [logger, serverLog]) {
        expect(log.text).not.toContain('cookie_secret_value');
        expect(log.text).not.toContain(API_KEY);
        expectNoSecrets(log, [expired, forged]);
      }
    });
  });
});
