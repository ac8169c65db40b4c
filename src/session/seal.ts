/**
 * The session cookie seal: iron-webcrypto v2 in the `Fe26.2*…~2` format that `@workos-inc/node`
 * (`sealData` / `unsealData`, `getSessionFromCookie`) and `@workos/authkit-session` write and read.
 * AES-256-CBC + HMAC-SHA256, 256-bit salts, one PBKDF2 iteration, password id `'1'`, no TTL: the
 * same password opens cookies written by any of them, and they open ours.
 */
import { defaults, seal, unseal } from 'iron-webcrypto';

const VERSION_SUFFIX = '~2';
/** Seals are a few KiB (two tokens and a user); anything far larger is not ours. */
export const MAX_SEAL_LENGTH = 16 * 1024;

/**
 * Seals `data` (JSON) with `password` (≥ 32 characters). Plain `JSON.stringify`, as the SDK does:
 * `undefined` members (SDK objects have some) are dropped instead of refused.
 */
export async function sealData(data: unknown, password: string): Promise<string> {
  const sealed = await seal(data, { id: '1', secret: password }, { ...defaults, ttl: 0, encode: JSON.stringify });
  return `${sealed}${VERSION_SUFFIX}`;
}

/**
 * Opens a seal; `undefined` for anything that is not a seal made with `password` (tampered,
 * truncated, foreign, oversized, not JSON). Never throws. A legacy `~N` seal (N ≠ 2, iron-session)
 * yields its `persistent` member, as the SDK does.
 */
export async function unsealData(value: string, password: string): Promise<unknown> {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SEAL_LENGTH) return undefined;
  let sealed = value;
  if (sealed.includes('%')) {
    try {
      sealed = decodeURIComponent(sealed); // earlier versions wrote the cookie percent-encoded
    } catch {
      return undefined;
    }
  }
  if (!sealed.startsWith('Fe26.2*')) return undefined;
  const tilde = sealed.lastIndexOf('~');
  const body = tilde === -1 ? sealed : sealed.slice(0, tilde);
  const suffix = tilde === -1 ? undefined : sealed.slice(tilde + 1);
  if (suffix !== undefined && !/^\d{1,3}$/.test(suffix)) return undefined;
  const version = suffix === undefined ? undefined : Number(suffix);
  let data: unknown;
  try {
    data = await unseal(body, { '1': password }, { ...defaults, ttl: 0 });
  } catch {
    return undefined;
  }
  if (version !== undefined && version !== 2 && data !== null && typeof data === 'object' && 'persistent' in data) {
    return (data as { persistent: unknown }).persistent;
  }
  return data;
}
