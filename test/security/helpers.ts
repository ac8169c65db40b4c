/**
 * Shared harness of the attack and fault suites: a provider wired to the emulator with a capturing
 * logger, crafted tokens, call-count deltas, a "trap" server for URLs a token tries to make us
 * fetch, and the "no secret in the logs" check every case ends with.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { MastraAuthWorkos, type AuthFailureCode, type MastraAuthWorkosOptions, type WorkOSUser } from '../../src';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { CaptureLogger, type CapturedLog } from '../support/capture-logger';

/** A recognisable API key, so a leak into the logs is easy to spot. */
export const API_KEY = 'sk_test_security_suite_4f1c9a7e2b';

export function startEmulator(): Promise<WorkOSEmulator> {
  return startWorkOSEmulator({ apiKey: API_KEY, clientId: 'client_security' });
}

export interface Subject {
  auth: MastraAuthWorkos;
  logger: CaptureLogger;
  /** The provider's clock: advance it instead of sleeping. */
  clock: ManualClock;
}

/** A fresh (cold) provider on the emulator: empty key set, empty caches, fresh log windows, its own clock. */
export function makeProvider(emu: WorkOSEmulator, options: MastraAuthWorkosOptions = {}): Subject {
  const logger = new CaptureLogger();
  const clock = new ManualClock();
  const auth = new MastraAuthWorkos({ ...emu.connection, logger, clock, ...options });
  return { auth, logger, clock };
}

export function nowSec(): number {
  return Math.floor(Date.now() / 1000);
}

/** base64url of a JSON value, or of a raw string when `raw` is set. */
export function b64url(value: unknown, raw = false): string {
  return Buffer.from(raw ? String(value) : JSON.stringify(value)).toString('base64url');
}

/** A compact JWS from parts, unsigned (the signature is junk unless given). */
export function craft(header: unknown, payload: unknown, signature = 'c2lnbmF0dXJlLW5vdC1yZWFs'): string {
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}

/** Claims that would pass every claim check on this emulator. */
export function goodClaims(emu: WorkOSEmulator, sub: string): Record<string, unknown> {
  const iat = nowSec();
  return { iss: emu.issuer, sub, iat, exp: iat + 300, sid: 'session_x', jti: `jti_${Math.random()}` };
}

export interface CallCounts {
  jwks: number;
  getUser: number;
  memberships: number;
  /** Every request the emulator saw. */
  total: number;
  /** What the provider itself counted. */
  apiCalls: number;
  jwksFetches: number;
}

export function snapshot(emu: WorkOSEmulator, subject: Subject): CallCounts {
  const stats = subject.auth.getStats();
  return {
    jwks: emu.callCount('jwks'),
    getUser: emu.callCount('getUser'),
    memberships: emu.callCount('listOrganizationMemberships'),
    total: emu.callCount(),
    apiCalls: stats.workosApiCalls,
    jwksFetches: stats.jwksFetches,
  };
}

export function delta(after: CallCounts, before: CallCounts): CallCounts {
  return {
    jwks: after.jwks - before.jwks,
    getUser: after.getUser - before.getUser,
    memberships: after.memberships - before.memberships,
    total: after.total - before.total,
    apiCalls: after.apiCalls - before.apiCalls,
    jwksFetches: after.jwksFetches - before.jwksFetches,
  };
}

/** Pieces of a credential that must never reach a log line, not even truncated. */
export function secretPieces(value: unknown): string[] {
  const pieces = new Set<string>();
  if (typeof value !== 'string') return [];
  const trimmed = value.trim();
  if (trimmed.length >= 12) {
    pieces.add(trimmed);
    pieces.add(trimmed.slice(0, 24));
    pieces.add(trimmed.slice(-24));
  }
  for (const segment of trimmed.split(/[.\s]/)) {
    if (segment.length >= 16) pieces.add(segment.slice(0, 32));
  }
  return [...pieces];
}

/** Fails when any log line (message or arguments) contains the API key or a piece of a token. */
export function expectNoSecrets(logger: CaptureLogger, credentials: string[] = []): void {
  const text = logger.text;
  expect(text).not.toContain(API_KEY);
  for (const credential of credentials) {
    for (const piece of secretPieces(credential)) {
      if (text.includes(piece)) {
        throw new Error(`a log line contains a piece of a credential: ${JSON.stringify(piece.slice(0, 12))}…`);
      }
    }
  }
}

export interface ExpectedCalls {
  /** JWKS fetches this attempt must cause (exactly). */
  jwks: number;
  /** getUser calls (exactly); default 0. */
  getUser?: number;
  /** listOrganizationMemberships calls (exactly); default 0. */
  memberships?: number;
}

export interface Attempt {
  user: WorkOSUser | null;
  calls: CallCounts;
}

/** One `authenticateToken` call with the call counts it caused. Never lets a throw through silently. */
export async function attempt(emu: WorkOSEmulator, subject: Subject, input: string): Promise<Attempt> {
  const before = snapshot(emu, subject);
  const user = await subject.auth.authenticateToken(input);
  return { user, calls: delta(snapshot(emu, subject), before) };
}

function expectCalls(calls: CallCounts, expected: ExpectedCalls): void {
  const getUser = expected.getUser ?? 0;
  const memberships = expected.memberships ?? 0;
  expect({ jwks: calls.jwks, getUser: calls.getUser, memberships: calls.memberships }).toEqual({
    jwks: expected.jwks,
    getUser,
    memberships,
  });
  // Nothing else left for WorkOS, and the provider's own counters agree with the emulator's.
  expect(calls.total).toBe(expected.jwks + getUser + memberships);
  expect(calls.jwksFetches).toBe(expected.jwks);
  expect(calls.apiCalls).toBe(getUser + memberships);
}

/** The failure codes the provider reported as rejections: its rejection log lines carry `code`. */
export function reportedCodes(lines: readonly CapturedLog[]): string[] {
  return lines
    .map((line) => (line.args[0] as { code?: unknown } | undefined)?.code)
    .filter((code): code is string => typeof code === 'string');
}

function reasonOf(line: CapturedLog): string | undefined {
  return (line.args[0] as { reason?: string } | undefined)?.reason;
}

/**
 * The attempt that logged `lines.slice(from)` ended with `reason`, read from the provider's real
 * rejection log. The provider logs each reason once per window and some never, so:
 * - first time on this provider: exactly one rejection line, with this code;
 * - a repeat (already logged, so suppressed now): no new line, and the provider must have logged
 *   nothing but this reason before, so that any other outcome would have logged a line of its own;
 * - `token_missing` (never logged): no new line, on a provider that has logged nothing yet.
 * Cases outside these rules cannot be observed, and throw: use a fresh provider.
 */
export function expectReason(lines: readonly CapturedLog[], from: number, reason: AuthFailureCode): void {
  const earlier = lines.slice(0, from);
  const added = lines.slice(from);
  if (reason === 'upstream_unavailable' || reason === 'upstream_rate_limited') {
    throw new Error(`${reason} is logged where WorkOS failed, not as a rejection: assert that log line directly`);
  }
  if (reason === 'token_missing' || reportedCodes(earlier).includes(reason)) {
    const unrelated = earlier.filter((line) => reasonOf(line) !== reason);
    if (unrelated.length > 0) {
      throw new Error(
        `cannot observe ${reason}: it logs no line now, and this provider already logged ${unrelated.map(reasonOf)}; use a fresh provider`,
      );
    }
    expect(added.map(reasonOf), `${reason} logs no new line`).toEqual([]);
    return;
  }
  expect(reportedCodes(added), 'the rejection reason').toEqual([reason]);
}

export interface ExpectedRejection extends ExpectedCalls {
  /** The `AuthFailureCode` the attempt must end with (see {@link expectReason} for when it can be seen). */
  reason?: AuthFailureCode;
}

/**
 * `authenticateToken(input)` resolves to `null` (no throw), with exactly the expected calls, exactly
 * the expected reason reported for this attempt (when given), and no secret in the logs.
 */
export async function expectRejected(
  emu: WorkOSEmulator,
  subject: Subject,
  input: string,
  expected: ExpectedRejection,
): Promise<CallCounts> {
  const from = subject.logger.lines.length;
  const { user, calls } = await attempt(emu, subject, input);
  expect(user).toBeNull();
  expectCalls(calls, expected);
  if (expected.reason !== undefined) expectReason(subject.logger.lines, from, expected.reason);
  expectNoSecrets(subject.logger, [input]);
  return calls;
}

/** `authenticateToken(input)` yields the user `sub`, with exactly the expected calls. */
export async function expectAccepted(
  emu: WorkOSEmulator,
  subject: Subject,
  input: string,
  sub: string,
  expected: ExpectedCalls,
): Promise<WorkOSUser> {
  const { user, calls } = await attempt(emu, subject, input);
  expect(user?.id).toBe(sub);
  expectCalls(calls, expected);
  expectNoSecrets(subject.logger, [input]);
  return user as WorkOSUser;
}

/** A loopback HTTP server that must never be contacted: it counts whatever reaches it. */
export interface TrapServer {
  url: string;
  readonly requests: ReadonlyArray<{ method: string; url: string }>;
  /** Serve this JSON body (for example an attacker's JWKS) to anyone who asks. */
  body: unknown;
  stop(): Promise<void>;
}

export async function startTrapServer(): Promise<TrapServer> {
  const requests: Array<{ method: string; url: string }> = [];
  const trap: TrapServer = {
    url: '',
    requests,
    body: { keys: [] },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req: IncomingMessage, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/' });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(trap.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  trap.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return trap;
}

/** The emulator's JWKS path: the only path a token check may ever request. */
export function jwksPath(emu: WorkOSEmulator): string {
  return new URL(emu.jwksUrl).pathname;
}
