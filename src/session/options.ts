import { randomBytes } from 'node:crypto';
import { WorkOSConfigError } from '../shared/errors';
import { DEFAULT_MAX_AGE_SEC, normalizeSameSite, type CookieAttributes, type SameSite } from './cookies';

/** Which WorkOS login the SSO button starts (first set wins: connection, provider, organization). */
export interface WorkOSSSOConfig {
  /** Organization id → `organization_id=` (the organization's SSO or AuthKit). */
  defaultOrganization?: string;
  /** Connection id → `connection_id=`. */
  connection?: string;
  /** An OAuth provider instead of AuthKit's hosted page. */
  provider?: 'GoogleOAuth' | 'MicrosoftOAuth' | 'GitHubOAuth' | 'AppleOAuth';
  /** Login button text; default from the provider (`Sign in with Google`, …) else `Sign in`. */
  buttonText?: string;
  /** Login button description (Mastra's `SSOLoginConfig.description`). */
  description?: string;
  /** Login button icon URL (Mastra's `SSOLoginConfig.icon`). */
  icon?: string;
}

/** The sealed session cookie. Every cookie the provider sets or clears follows these settings. */
export interface WorkOSSessionConfig {
  /** Default `wos_session`. */
  cookieName?: string;
  /** At least 32 characters; falls back to `WORKOS_COOKIE_PASSWORD`. Required in production. */
  cookiePassword?: string;
  /** Cookie lifetime in seconds; default 400 days (34 560 000). */
  maxAge?: number;
  /** `Secure` attribute; default: on for `SameSite=None`, an `https:` redirect URI, or `NODE_ENV=production`. */
  secure?: boolean;
  /** Default `/`. */
  path?: string;
  /** Default `Lax` (the IdP's redirect back is a cross-site navigation: not `Strict`). */
  sameSite?: SameSite | 'lax' | 'strict' | 'none';
}

export interface ResolvedSessionSettings {
  cookieName: string;
  /** `undefined`: sessions are off (production without a password and without browser options). */
  password: string | undefined;
  /** A random per-process password (development only): sessions end on restart. */
  passwordIsEphemeral: boolean;
  maxAgeSec: number;
  attributes: CookieAttributes;
  stateCookieName: string;
  stateTtlSec: number;
}

const MIN_PASSWORD_LENGTH = 32;

export function isProduction(env: Record<string, string | undefined>): boolean {
  const mode = env.NODE_ENV?.trim().toLowerCase();
  return mode === 'production' || mode === 'prod';
}

/**
 * Resolves `session` options. A missing password is a construction error in production when the
 * app configured browser sign-in (`sso`, `session` or a redirect URI); a bearer-only production
 * app needs none (cookie sessions stay off). In development a random password is generated.
 */
export function resolveSessionSettings(
  config: WorkOSSessionConfig | undefined,
  context: { env: Record<string, string | undefined>; redirectUri: string | undefined; browserSignIn: boolean },
): ResolvedSessionSettings {
  const { env } = context;
  const cookieName = config?.cookieName ?? 'wos_session';
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(cookieName)) {
    throw new WorkOSConfigError('session.cookieName', `MastraAuthWorkos: \`session.cookieName\` must be a cookie token, got ${JSON.stringify(cookieName)}.`);
  }
  let password = config?.cookiePassword ?? (env.WORKOS_COOKIE_PASSWORD || undefined);
  let passwordIsEphemeral = false;
  if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) {
    throw new WorkOSConfigError(
      'session.cookiePassword',
      'MastraAuthWorkos: the cookie password must be at least 32 characters. Set the WORKOS_COOKIE_PASSWORD ' +
        'environment variable or provide the `session.cookiePassword` option.',
    );
  }
  if (password === undefined) {
    if (isProduction(env)) {
      if (context.browserSignIn) {
        throw new WorkOSConfigError(
          'session.cookiePassword',
          'MastraAuthWorkos: browser sign-in needs a cookie password in production. Set the WORKOS_COOKIE_PASSWORD ' +
            'environment variable or provide the `session.cookiePassword` option (at least 32 characters).',
        );
      }
    } else {
      password = randomBytes(32).toString('base64url');
      passwordIsEphemeral = true;
    }
  }
  const maxAgeSec = config?.maxAge ?? DEFAULT_MAX_AGE_SEC;
  if (typeof maxAgeSec !== 'number' || !Number.isFinite(maxAgeSec) || maxAgeSec <= 0) {
    throw new WorkOSConfigError('session.maxAge', `MastraAuthWorkos: \`session.maxAge\` must be a positive number of seconds, got ${String(maxAgeSec)}.`);
  }
  const sameSite = config?.sameSite === undefined ? 'Lax' : normalizeSameSite(config.sameSite);
  if (sameSite === undefined) {
    throw new WorkOSConfigError('session.sameSite', `MastraAuthWorkos: \`session.sameSite\` must be 'Strict', 'Lax' or 'None', got ${JSON.stringify(config?.sameSite)}.`);
  }
  const path = config?.path ?? '/';
  if (!path.startsWith('/') || /[;\s]/.test(path)) {
    throw new WorkOSConfigError('session.path', `MastraAuthWorkos: \`session.path\` must start with '/' and contain no ';' or spaces, got ${JSON.stringify(path)}.`);
  }
  const secure =
    sameSite === 'None' ||
    (config?.secure ?? (Boolean(context.redirectUri?.startsWith('https:')) || isProduction(env)));
  return {
    cookieName,
    password,
    passwordIsEphemeral,
    maxAgeSec,
    attributes: { path, sameSite, secure },
    stateCookieName: 'wos_auth_state',
    stateTtlSec: 600,
  };
}
