/**
 * The options tables of docs/options.md, docs/browser-sign-in.md and the README cannot drift from
 * the code: every row's Default cell is compared with what the resolver applies when the option is
 * left out (`resolveAuthSettings`, `resolveRBACSettings`, `resolveFGASettings`,
 * `resolveSessionSettings`). A literal in backticks (`5000`, `{ maxSize: 1000, ttlMs: 60000 }`,
 * `['RS256']`, `'wos_session'`) must equal the resolved value; a prose default must satisfy the
 * predicate listed here. A row without an entry here fails, so a new option needs both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAuthSettings, type ResolvedAuthSettings } from '../../src/auth/options';
import { resolveFGASettings } from '../../src/fga/options';
import { resolveRBACSettings } from '../../src/rbac/options';
import { resolveSessionSettings } from '../../src/session/options';
import { root } from './blocks';

type Expectation<R> = ((resolved: R) => unknown) | { prose: RegExp; holds: (resolved: R) => boolean };

interface Row {
  where: string;
  option: string;
  defaultCell: string;
}

/** Rows of the first table after `heading` in `file` (column named Default). */
function tableRows(file: string, heading: string): Row[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`${file}: heading ${heading} not found`);
  const header = lines.findIndex((line, index) => index > start && line.startsWith('|'));
  const columns = splitRow(lines[header]!);
  const defaultColumn = columns.indexOf('Default');
  if (defaultColumn < 0) throw new Error(`${file}:${header + 1}: no Default column`);
  const rows: Row[] = [];
  for (let index = header + 2; index < lines.length && lines[index]!.startsWith('|'); index++) {
    const cells = splitRow(lines[index]!);
    rows.push({ where: `${file}:${index + 1}`, option: cells[0]!, defaultCell: cells[defaultColumn]! });
  }
  return rows;
}

function splitRow(line: string): string[] {
  return line.replace(/^\|/, '').replace(/\|\s*$/, '').split('|').map((cell) => cell.trim());
}

/** `5000` → 5000, `{ maxSize: 1000 }` → object, `'Lax'` → 'Lax', `api.workos.com` → 'api.workos.com'; else undefined. */
function literal(cell: string): { value: unknown } | undefined {
  const match = /^`([^`]+)`$/.exec(cell);
  if (!match) return undefined;
  try {
    return { value: new Function(`return (${match[1]});`)() };
  } catch {
    return { value: match[1] };
  }
}

function compare<R>(rows: Row[], expectations: Record<string, Expectation<R>>, resolved: R): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    const expectation = expectations[row.option];
    if (expectation === undefined) {
      problems.push(`${row.where}: option ${row.option} has no expectation in options-defaults.test.ts`);
      continue;
    }
    if (typeof expectation === 'function') {
      const documented = literal(row.defaultCell);
      const actual = expectation(resolved);
      if (!documented) problems.push(`${row.where}: ${row.option}: Default ${row.defaultCell} is not a literal; the code resolves ${JSON.stringify(actual)}`);
      else if (JSON.stringify(documented.value) !== JSON.stringify(actual)) {
        problems.push(`${row.where}: ${row.option}: documented ${JSON.stringify(documented.value)}, resolved ${JSON.stringify(actual)}`);
      }
    } else if (!expectation.prose.test(row.defaultCell)) {
      problems.push(`${row.where}: ${row.option}: Default ${row.defaultCell} does not match ${expectation.prose}`);
    } else if (!expectation.holds(resolved)) {
      problems.push(`${row.where}: ${row.option}: the code does not do what "${row.defaultCell}" says`);
    }
  }
  return problems;
}

const credentials = { WORKOS_API_KEY: 'sk_test_docs', WORKOS_CLIENT_ID: 'client_docs' };
const prose = <R>(pattern: RegExp, holds: (resolved: R) => boolean): Expectation<R> => ({ prose: pattern, holds });

const AUTH: Record<string, Expectation<ResolvedAuthSettings>> = {
  '`apiKey`': prose(/required/, () => throws(() => resolveAuthSettings({}, { WORKOS_CLIENT_ID: 'client_docs' }))),
  '`clientId`': prose(/required/, () => throws(() => resolveAuthSettings({}, { WORKOS_API_KEY: 'sk_test_docs' }))),
  '`redirectUri`': prose(/^—$/, (r) => r.redirectUri === undefined),
  '`sso`': prose(/AuthKit/, () => true), // no sso option: the login URL names no connection (test/session/sso.test.ts)
  '`session`': prose(/see there/, () => true), // its own table, checked below
  '`name`': (r) => r.name,
  '`apiHostname`': (r) => new URL(r.connection.baseUrl).hostname,
  '`port`': prose(/SDK default/, (r) => new URL(r.connection.baseUrl).port === ''),
  '`https`': (r) => r.connection.baseUrl.startsWith('https://'),
  '`workos`': prose(/^—$/, () => true),
  '`fetchMemberships`': (r) => r.fetchMemberships,
  '`trustJwtClaims`': (r) => r.trustJwtClaims,
  '`jwtClaims`': (r) => r.jwtClaims,
  '`mapJwtPayloadToUser`': prose(/^—$/, () => true),
  '`mapUserToResourceId`': prose(/^—$/, () => true),
  '`authorizeUser`': prose(/id and workosId present/, () => true), // test/auth/authenticate.test.ts
  '`public` / `protected`': prose(/Mastra's/, () => true),
  '`issuer`': prose(/<base URL>, <base URL>\/user_management\/<clientId>/, (r) =>
    JSON.stringify(r.issuers) === JSON.stringify(['https://api.workos.com', 'https://api.workos.com/user_management/client_docs']),
  ),
  '`audience`': prose(/^none$/, (r) => r.audience === undefined),
  '`clockTolerance`': (r) => r.clockToleranceSec,
  '`maxTokenAge`': prose(/^none$/, (r) => r.maxTokenAgeSec === undefined),
  '`algorithms`': (r) => r.algorithms,
  '`maxTokenLength`': (r) => r.maxTokenLength,
  '`jwks.cacheMaxAgeMs`': (r) => r.jwks.cacheMaxAgeMs,
  '`jwks.cooldownMs`': (r) => r.jwks.cooldownMs,
  '`jwks.timeoutMs`': (r) => r.jwks.timeoutMs,
  '`jwks.staleIfErrorMs`': (r) => r.jwks.staleIfErrorMs,
  '`cache`': (r) => (r.cache === false ? false : { ...r.cache, tokens: r.verifiedTokenCacheSize > 0 }),
  '`store`': prose(/memory only/, (r) => r.store === undefined),
  '`requestTimeoutMs`': (r) => r.requestTimeoutMs,
  '`logger`': prose(/Mastra's logger/, () => true),
  '`clock`': prose(/system clock/, () => true),
};

function throws(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch {
    return true;
  }
}

describe('options tables match the resolved defaults', () => {
  it('MastraAuthWorkos (docs/options.md and the README summary)', () => {
    const resolved = resolveAuthSettings({}, credentials);
    const rows = [...tableRows('docs/options.md', '## `MastraAuthWorkos` options'), ...tableRows('README.md', '## Options')];
    expect(rows.length).toBeGreaterThan(25);
    expect(compare(rows, AUTH, resolved)).toEqual([]);
  });

  it('MastraRBACWorkos', () => {
    const saved = { ...process.env };
    Object.assign(process.env, credentials);
    try {
      const resolved = resolveRBACSettings({ roleMapping: {} });
      type R = typeof resolved;
      const rows = tableRows('docs/options.md', '## `MastraRBACWorkos` options');
      expect(
        compare<R>(rows, {
          '`roleMapping`': prose(/required/, () => throws(() => resolveRBACSettings(undefined as never))),
          '`organizationId`': prose(/user's organization/, (r) => r.organizationId === undefined),
          '`cache`': (r) => r.cache,
          '`apiKey` / `clientId`': prose(/WORKOS_API_KEY/, (r) => r.connection.clientId === 'client_docs'),
          '`apiHostname` / `port` / `https`': prose(/WORKOS_API_HOSTNAME/, (r) => r.connection.baseUrl === 'https://api.workos.com'),
          '`workos`': prose(/^—$/, () => true),
          '`requestTimeoutMs`': (r) => r.requestTimeoutMs,
          '`store`': prose(/memory only/, (r) => r.store === undefined),
          '`clock`': prose(/system clock/, () => true),
          '`logger`': prose(/Mastra's logger/, () => true),
        }, resolved),
      ).toEqual([]);
    } finally {
      process.env = saved;
    }
  });

  it('MastraFGAWorkos', () => {
    const saved = { ...process.env };
    Object.assign(process.env, credentials);
    try {
      const resolved = resolveFGASettings({});
      type R = typeof resolved;
      const rows = tableRows('docs/options.md', '## `MastraFGAWorkos` options');
      expect(
        compare<R>(rows, {
          '`apiKey` / `clientId`': prose(/WORKOS_API_KEY/, (r) => r.connection.clientId === 'client_docs'),
          '`apiHostname`, `port`, `https`, `workos`': prose(/WORKOS_API_HOSTNAME/, (r) => r.connection.baseUrl === 'https://api.workos.com'),
          '`organizationId`': prose(/the user's organization/, (r) => r.organizationId === undefined),
          '`resourceMapping`': prose(/`\{\}` \(type and id as is\)/, (r) => Object.keys(r.resourceMapping).length === 0),
          '`permissionMapping`': prose(/`\{\}` \(identity\)/, (r) => Object.keys(r.permissionMapping).length === 0),
          '`publicByDefault`': (r) => r.publicByDefault,
          '`requireForProtectedRoutes`': prose(/unset/, () => true),
          '`auditProtectedRoutes`': prose(/unset/, () => true),
          '`resolveRouteFGA`': prose(/unset/, () => true),
          '`validatePermissions`': prose(/unset/, () => true),
          '`checkInternalWorkflows`': (r) => r.checkInternalWorkflows,
          '`filterConcurrency`': prose(/^`5` \(max 50\)$/, (r) => r.filterConcurrency === 5 && throws(() => resolveFGASettings({ filterConcurrency: 51 }))),
          '`filterMaxChecks`': (r) => r.filterMaxChecks,
          '`ownership`': prose(/^off$/, (r) => r.ownership === undefined),
          '`requestTimeoutMs`': (r) => r.requestTimeoutMs,
          '`cache`': (r) => r.cache,
          '`store`': prose(/memory only/, (r) => r.store === undefined),
          '`clock`': prose(/system clock/, () => true),
          '`logger`': prose(/Mastra's logger/, () => true),
        }, resolved),
      ).toEqual([]);
      // The ownership row spells out the defaults inside its description.
      expect(resolveFGASettings({ ownership: { enabled: true } }).ownership).toEqual({ enabled: true, ownerRole: 'owner', fallbackRoles: ['admin', 'editor'] });
    } finally {
      process.env = saved;
    }
  });

  it('session (docs/browser-sign-in.md)', () => {
    const resolved = resolveSessionSettings(undefined, { env: {}, redirectUri: undefined, browserSignIn: false });
    type R = typeof resolved;
    const rows = tableRows('docs/browser-sign-in.md', '## `session` options');
    expect(
      compare<R>(rows, {
        '`cookieName`': (r) => r.cookieName,
        '`cookiePassword`': prose(/^—$/, (r) => r.passwordIsEphemeral),
        '`maxAge`': prose(/34 560 000 \(400 days\)/, (r) => r.maxAgeSec === 34_560_000 && r.maxAgeSec === 400 * 86_400),
        '`secure`': prose(/SameSite=None/, (r) =>
          r.attributes.secure === false &&
          resolveSessionSettings({ sameSite: 'None' }, { env: {}, redirectUri: undefined, browserSignIn: true }).attributes.secure &&
          resolveSessionSettings(undefined, { env: {}, redirectUri: 'https://app.example/cb', browserSignIn: true }).attributes.secure &&
          resolveSessionSettings(undefined, { env: { NODE_ENV: 'production', WORKOS_COOKIE_PASSWORD: 'p'.repeat(32) }, redirectUri: undefined, browserSignIn: true }).attributes.secure,
        ),
        '`path`': (r) => r.attributes.path,
        '`sameSite`': (r) => r.attributes.sameSite,
      }, resolved),
    ).toEqual([]);
  });

  it('a wrong documented default is reported with its file:line', () => {
    const rows: Row[] = [{ where: 'docs/options.md:1', option: '`clockTolerance`', defaultCell: '`7`' }];
    expect(compare(rows, AUTH, resolveAuthSettings({}, credentials))).toEqual(['docs/options.md:1: `clockTolerance`: documented 7, resolved 5']);
  });
});
