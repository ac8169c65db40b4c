import { afterAll, beforeAll, beforeEach } from 'vitest';
import { MastraAuthWorkos, type MastraAuthWorkosOptions } from '../../src';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { CaptureLogger } from '../support/capture-logger';

export const PASSWORD = 'a-test-cookie-password-of-at-least-32-chars';
export const CALLBACK = 'http://127.0.0.1:4111/api/auth/sso/callback';

export { ManualClock };

/** The world of the session suites: an emulator on a manual clock, Alice, admin of Acme. */
export interface SessionWorld {
  emu: WorkOSEmulator;
  alice: { id: string };
  acme: { id: string };
}

/**
 * Starts the world for the calling file (stopped after it; calls reset before each test) and hands
 * it to `bind`, so test bodies use plain variables.
 */
export function useSessionWorld(clock: ManualClock, bind: (world: SessionWorld) => void): void {
  let emu: WorkOSEmulator | undefined;
  beforeAll(async () => {
    emu = await startWorkOSEmulator({ clock });
    const acme = emu.createOrganization({ name: 'Acme' });
    const alice = emu.createUser({ email: 'alice@acme.test', firstName: 'Alice', lastName: 'Liddell', profilePictureUrl: 'https://example.test/a.png' });
    emu.createMembership({ userId: alice.id, organizationId: acme.id, role: 'admin' });
    bind({ emu, alice, acme });
  });
  afterAll(() => emu?.stop());
  beforeEach(() => emu?.resetCalls());
}

export function makeProvider(emu: WorkOSEmulator, clock: ManualClock, options: MastraAuthWorkosOptions = {}) {
  const logger = new CaptureLogger();
  const auth = new MastraAuthWorkos({
    ...emu.connection,
    clock,
    logger,
    ...options,
    session: { cookiePassword: PASSWORD, ...options.session },
  });
  return { auth, logger };
}

/** `name=value` of a `Set-Cookie` line. */
export function pair(setCookie: string): string {
  return setCookie.split(';')[0] ?? '';
}

/** The value of a `Set-Cookie` line. */
export function valueOf(setCookie: string): string {
  const first = pair(setCookie);
  return first.slice(first.indexOf('=') + 1);
}

/**
 * Drives the emulator's hosted login page the way a browser does: GET the authorize URL, submit
 * the chosen user's form. Returns the `Location` of the redirect back (with `code` and `state`).
 */
export async function approveAtIdp(authorizeUrl: string, userId: string, extra: Record<string, string> = {}): Promise<URL> {
  const page = await fetch(authorizeUrl);
  if (page.status !== 200) throw new Error(`authorize page: ${page.status} ${await page.text()}`);
  const url = new URL(authorizeUrl);
  const form = new URLSearchParams(url.searchParams);
  form.set('user_id', userId);
  for (const [key, value] of Object.entries(extra)) form.set(key, value);
  const answer = await fetch(`${url.origin}/user_management/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  if (answer.status !== 302) throw new Error(`authorize submit: ${answer.status} ${await answer.text()}`);
  return new URL(answer.headers.get('location') ?? '');
}

/** Mastra's login + callback sequence against the provider, without an HTTP server. */
export async function signIn(auth: MastraAuthWorkos, userId: string, options: { organizationId?: string } = {}) {
  const state = `${crypto.randomUUID()}|%2Fagents`;
  const loginUrl = auth.getLoginUrl(CALLBACK, state);
  const loginCookies = auth.getLoginCookies(CALLBACK, state);
  const back = await approveAtIdp(loginUrl, userId, options.organizationId ? { selected_organization_id: options.organizationId } : {});
  auth.setCallbackCookieHeader(loginCookies.map(pair).join('; '));
  const stateId = (back.searchParams.get('state') ?? '').split('|')[0] ?? '';
  const result = await auth.handleCallback(back.searchParams.get('code') ?? '', stateId);
  const sessionCookie = result.cookies?.find((line) => line.startsWith('wos_session=')) ?? '';
  return { result, sessionCookie, sealed: valueOf(sessionCookie), loginUrl, loginCookies };
}

/** A Fetch `Request` carrying a cookie. */
export function cookieRequest(cookie: string, url = 'http://127.0.0.1:4111/api/agents'): Request {
  return new Request(url, { headers: { cookie } });
}
