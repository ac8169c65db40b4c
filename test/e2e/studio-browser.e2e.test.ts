/**
 * Mastra Studio in headless Chromium (Debian's `chromium`, driven by `playwright-core`), served
 * same-origin with a real Mastra server whose `server.auth` is `MastraAuthWorkos`, against the
 * WorkOS emulator's hosted login page. Screenshots go to `test-artifacts/screenshots/` (git-ignored).
 *
 * Outside CI the test skips when no browser can start; under `CI` it fails instead.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Mastra } from '@mastra/core/mastra';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MastraAuthWorkos } from '../../src';
import { ManualClock, startWorkOSEmulator, type WorkOSEmulator } from '../../src/testing';
import { createMockAgent } from '../helpers/mock-agent';
import { startStudio, type RunningStudio } from '../helpers/studio-server';
import { PASSWORD } from '../session/helpers';
import { CaptureLogger } from '../support/capture-logger';

const SCREENSHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');
/** `CHROMIUM_PATH` picks the browser (and only it); otherwise Debian's usual locations. */
const CHROMIUM_CANDIDATES = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

let emu: WorkOSEmulator;
let studio: RunningStudio;
let browser: Browser | undefined;
let launchError: unknown;
let auth: MastraAuthWorkos;
let alice: { id: string };
const clock = new ManualClock();
const logger = new CaptureLogger();

beforeAll(async () => {
  process.env.MASTRA_TELEMETRY_DISABLED = 'true';
  emu = await startWorkOSEmulator({ clock });
  alice = emu.createUser({ email: 'alice@acme.test', firstName: 'Alice', lastName: 'Liddell' });
  emu.createUser({ email: 'bob@acme.test', firstName: 'Bob', lastName: 'Builder' });
  auth = new MastraAuthWorkos({ ...emu.connection, clock, logger, session: { cookiePassword: PASSWORD, secure: false } });
  const mastra = new Mastra({
    agents: { weatherAgent: createMockAgent({ id: 'weatherAgent', reply: 'Sunny.' }) },
    logger: false,
    server: { auth },
  });
  studio = await startStudio(mastra);
  // An avatar on our own origin, so Studio renders <img alt="Alice Liddell"> without the internet.
  emu.updateUser(alice.id, { profilePictureUrl: `${studio.baseUrl}/mastra-dark-tile.svg` });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const executablePath = CHROMIUM_CANDIDATES.find((path) => existsSync(path));
  try {
    if (!executablePath) throw new Error(`no Chromium found (looked at ${CHROMIUM_CANDIDATES.join(', ')}); apt-get install -y chromium`);
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
  } catch (error) {
    launchError = error;
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await studio?.stop();
  await emu?.stop();
});

/** The browser, or a skip (outside CI) / failure (in CI) when none could start. */
function requireBrowser(ctx: { skip: (note?: string) => void }): Browser {
  if (browser) return browser;
  if (process.env.CI) throw new Error(`CI: the browser test must run, but Chromium did not start: ${String(launchError)}`);
  ctx.skip(`Chromium did not start: ${String(launchError)}`);
  throw new Error('unreachable');
}

/** A fresh context that can reach only loopback addresses. */
async function newContext(b: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await b.newContext({ viewport: { width: 1280, height: 800 } });
  await context.route('**/*', (route) => {
    const { hostname, protocol } = new URL(route.request().url());
    if (protocol === 'data:' || hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return { context, page };
}

const signInPanel = (page: Page) => page.getByRole('heading', { name: 'Sign in to continue' });
const avatar = (page: Page) => page.locator('img[alt="Alice Liddell"]').first();
const sessionCookie = async (context: BrowserContext) => (await context.cookies()).find((cookie) => cookie.name === 'wos_session');
const sidOfSession = () => emu.sessions().at(-1)?.sessionId ?? '';

async function signInThroughStudio(page: Page, screenshots = false): Promise<void> {
  await page.goto(`${studio.baseUrl}/`);
  await signInPanel(page).waitFor();
  if (screenshots) await page.screenshot({ path: join(SCREENSHOTS, 'studio-sign-in.png') });
  await page.getByRole('button', { name: 'Sign in' }).first().click();
  await page.waitForURL((url) => url.href.startsWith(`${emu.baseUrl}/user_management/authorize`));
  await page.locator(`[data-testid="login-user-${alice.id}"]`).waitFor();
  if (screenshots) await page.screenshot({ path: join(SCREENSHOTS, 'idp-login-page.png') });
  await page.locator(`[data-testid="login-user-${alice.id}"]`).click();
  await page.waitForURL((url) => url.href.startsWith(studio.baseUrl));
  await avatar(page).waitFor();
}

describe(`Mastra Studio sign-in in Chromium`, () => {
  it('login → signed in → expiry → reload → 10 parallel stale calls → logout', async (ctx) => {
    const { context, page } = await newContext(requireBrowser(ctx));
    try {
      await signInThroughStudio(page, true);
      expect(new URL(page.url()).pathname).toBe('/agents');
      await page.getByText('weatherAgent').first().waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'studio-signed-in.png') });
      const first = await sessionCookie(context);
      expect(first).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false, domain: '127.0.0.1' });
      expect(first?.value).toMatch(/^Fe26\.2\*/);
      const me = await page.evaluate(async () => (await fetch('/api/auth/me', { credentials: 'include' })).json());
      expect(me).toMatchObject({ id: alice.id, email: 'alice@acme.test', name: 'Alice Liddell' });
      const sid = sidOfSession();

      // The access token expires; a reload is still signed in, with a new cookie.
      clock.advance(310_000);
      await page.reload();
      await avatar(page).waitFor();
      await expect.poll(async () => (await sessionCookie(context))?.value).not.toBe(first?.value);
      const afterReload = emu.session(sid)?.refreshCount ?? 0;
      expect(afterReload).toBeGreaterThanOrEqual(1);
      expect(emu.session(sid)?.ended).toBeUndefined();

      // Expire again; 10 parallel API calls carry the same stale cookie → one refresh grant.
      const stale = await sessionCookie(context);
      clock.advance(310_000);
      emu.resetCalls();
      const statuses = await page.evaluate(() =>
        Promise.all(Array.from({ length: 10 }, () => fetch('/api/agents', { credentials: 'include' }).then((r) => r.status))),
      );
      expect(statuses).toEqual(Array(10).fill(200));
      expect(emu.callCount('authenticate')).toBe(1);
      expect(emu.session(sid)?.refreshCount).toBe(afterReload + 1);
      const renewed = await sessionCookie(context);
      expect(renewed?.value).not.toBe(stale?.value);

      // Logout: user menu → Sign out → WorkOS logout → back at Studio's sign-in panel.
      await page.locator('button:has(img[alt="Alice Liddell"])').first().click();
      await page.getByRole('menuitem', { name: 'Sign out' }).or(page.getByRole('button', { name: 'Sign out' })).first().click();
      await signInPanel(page).waitFor();
      expect(new URL(page.url()).origin).toBe(studio.baseUrl);
      expect(await sessionCookie(context)).toBeUndefined();
      expect(emu.session(sid)?.ended).toBeDefined();
      // The last cookie's refresh token is dead at WorkOS.
      const opened = await emu.createWorkOSClient().userManagement.getSessionFromCookie({ sessionData: renewed?.value ?? '', cookiePassword: PASSWORD });
      await expect(
        emu.createWorkOSClient().userManagement.authenticateWithRefreshToken({ clientId: emu.clientId, refreshToken: opened?.refreshToken ?? '' }),
      ).rejects.toMatchObject({ status: 400 });
    } finally {
      await context.close();
    }
  }, 180_000);

  it('refuses a tampered cookie, a callback with another login\'s state, and a cancel at the IdP', async (ctx) => {
    const { context, page } = await newContext(requireBrowser(ctx));
    try {
      // Tampered cookie → Studio shows the sign-in panel (API said 401, not 500).
      await signInThroughStudio(page);
      const good = await sessionCookie(context);
      const value = good?.value ?? '';
      await context.addCookies([{ ...good!, value: value.slice(0, 50) + (value[50] === 'A' ? 'B' : 'A') + value.slice(51) }]);
      const apiStatus = await page.evaluate(async () => (await fetch('/api/agents', { credentials: 'include' })).status);
      expect(apiStatus).toBe(401);
      await page.goto(`${studio.baseUrl}/`);
      await signInPanel(page).waitFor();
      await context.clearCookies();

      // Wrong state: at the IdP, the browser's state cookie is swapped for another login's.
      await page.goto(`${studio.baseUrl}/`);
      await page.getByRole('button', { name: 'Sign in' }).first().click();
      await page.waitForURL((url) => url.href.startsWith(`${emu.baseUrl}/user_management/authorize`));
      const other = await fetch(`${studio.baseUrl}/api/auth/sso/login`);
      const otherState = other.headers.getSetCookie().find((line) => line.startsWith('wos_auth_state=')) ?? '';
      const stateCookie = (await context.cookies()).find((cookie) => cookie.name === 'wos_auth_state');
      expect(stateCookie).toBeDefined();
      await context.addCookies([{ ...stateCookie!, value: otherState.split(';')[0]?.split('=')[1] ?? '' }]);
      await page.locator(`[data-testid="login-user-${alice.id}"]`).click();
      await page.waitForURL((url) => url.href.startsWith(studio.baseUrl));
      expect(new URL(page.url()).searchParams.get('error')).toBe('OAuth state mismatch');
      expect(await sessionCookie(context)).toBeUndefined();

      // Cancel at the IdP → WorkOS-style access_denied → Mastra answers 400; no session.
      await page.goto(`${studio.baseUrl}/`);
      await page.getByRole('button', { name: 'Sign in' }).first().click();
      await page.waitForURL((url) => url.href.startsWith(`${emu.baseUrl}/user_management/authorize`));
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().startsWith(`${studio.baseUrl}/api/auth/sso/callback`)),
        page.locator('[data-testid="login-cancel"]').click(),
      ]);
      expect(response.status()).toBe(400);
      expect(new URL(response.url()).searchParams.get('error')).toBe('access_denied');
      expect(await sessionCookie(context)).toBeUndefined();
      expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
