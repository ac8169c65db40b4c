/**
 * Cookie headers: one place that writes `Set-Cookie` (so every cookie we set or clear carries the
 * same `Path`, `SameSite`, `Secure`, `HttpOnly`) and one bounded parser for `Cookie`.
 */

export type SameSite = 'Strict' | 'Lax' | 'None';

/** Attributes shared by every cookie of a provider. */
export interface CookieAttributes {
  path: string;
  sameSite: SameSite;
  secure: boolean;
  domain?: string | undefined;
}

/** `Cookie` headers beyond this are not parsed (a browser sends at most a few KiB per site). */
export const MAX_COOKIE_HEADER_LENGTH = 16 * 1024;

/** `name=value; Path; [Domain]; Max-Age; HttpOnly; SameSite; [Secure]`. `maxAgeSec` 0 clears. */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes, maxAgeSec: number | undefined): string {
  const parts = [`${name}=${value}`, `Path=${attributes.path}`];
  if (attributes.domain) parts.push(`Domain=${attributes.domain}`);
  if (maxAgeSec !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(maxAgeSec))}`);
  parts.push('HttpOnly', `SameSite=${attributes.sameSite}`);
  if (attributes.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * The value of the first cookie named exactly `name` in a `Cookie` header, unquoted and
 * percent-decoded when that decodes; `null` when absent, empty or the header is oversized.
 */
export function readCookie(header: string | null | undefined, name: string): string | null {
  if (!header || header.length > MAX_COOKIE_HEADER_LENGTH) return null;
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq !== -1 && eq < end && header.slice(start, eq).trim() === name) {
      let value = header.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (value.includes('%')) {
        try {
          value = decodeURIComponent(value);
        } catch {
          // keep the raw value
        }
      }
      return value === '' ? null : value;
    }
    start = end + 1;
  }
  return null;
}

/** The `Cookie` header of a Fetch `Request`, a Mastra request adapter or a plain headers record. */
export function cookieHeaderOf(request: unknown): string | null {
  if (!request || typeof request !== 'object') return null;
  const candidate = request as {
    headers?: { get?: (name: string) => string | null } | Record<string, unknown>;
    header?: (name: string) => string | undefined;
    raw?: unknown;
  };
  const headers = candidate.headers;
  if (headers && typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get('cookie');
  }
  if (typeof candidate.header === 'function') return candidate.header('cookie') ?? null;
  if (headers && typeof headers === 'object') {
    const value = (headers as Record<string, unknown>).cookie ?? (headers as Record<string, unknown>).Cookie;
    if (typeof value === 'string') return value;
  }
  if (candidate.raw && candidate.raw !== request) return cookieHeaderOf(candidate.raw);
  return null;
}

/** `lax` / `LAX` / `Lax` → `Lax`; anything else → `undefined`. */
export function normalizeSameSite(value: unknown): SameSite | undefined {
  if (typeof value !== 'string') return undefined;
  const lowered = value.toLowerCase();
  if (lowered === 'lax') return 'Lax';
  if (lowered === 'strict') return 'Strict';
  if (lowered === 'none') return 'None';
  return undefined;
}

/** Options of {@link WebSessionStorage}, as upstream's authkit-based class takes them. */
export interface WebSessionStorageConfig {
  cookieName?: string;
  /** Seconds; default 400 days. */
  cookieMaxAge?: number;
  cookieSameSite?: 'lax' | 'strict' | 'none' | 'Lax' | 'Strict' | 'None';
  cookieDomain?: string;
  /** An `https:` redirect URI makes the cookie `Secure`. */
  redirectUri?: string;
  /** Cookie path; default `/`. */
  cookiePath?: string;
  /** Force `Secure` on or off. */
  secure?: boolean;
}

/**
 * Reads and writes the sealed session cookie on Fetch `Request`s, for apps that handle cookies
 * themselves. Same constructor shape as upstream's `WebSessionStorage`, without authkit-session.
 */
export class WebSessionStorage {
  readonly cookieName: string;
  readonly #maxAgeSec: number;
  readonly #attributes: CookieAttributes;

  constructor(config: WebSessionStorageConfig = {}) {
    this.cookieName = config.cookieName ?? 'wos_session';
    this.#maxAgeSec = config.cookieMaxAge ?? DEFAULT_MAX_AGE_SEC;
    const sameSite = normalizeSameSite(config.cookieSameSite) ?? 'Lax';
    this.#attributes = {
      path: config.cookiePath ?? '/',
      sameSite,
      secure: config.secure ?? (sameSite === 'None' || Boolean(config.redirectUri?.startsWith('https:'))),
      domain: config.cookieDomain,
    };
    if (sameSite === 'None') this.#attributes.secure = true;
  }

  /** The sealed session from the request's `Cookie` header, or `null`. */
  async getSession(request: Request): Promise<string | null> {
    return readCookie(cookieHeaderOf(request), this.cookieName);
  }

  async saveSession(_response: unknown, sealed: string): Promise<{ headers: { 'Set-Cookie': string } }> {
    return { headers: { 'Set-Cookie': serializeCookie(this.cookieName, sealed, this.#attributes, this.#maxAgeSec) } };
  }

  async clearSession(_response: unknown): Promise<{ headers: { 'Set-Cookie': string } }> {
    return { headers: { 'Set-Cookie': serializeCookie(this.cookieName, '', this.#attributes, 0) } };
  }
}

/** 400 days, the longest lifetime browsers accept. */
export const DEFAULT_MAX_AGE_SEC = 400 * 24 * 60 * 60;
