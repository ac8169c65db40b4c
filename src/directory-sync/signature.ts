import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { WorkOSMastraError } from '../shared/errors';

/** Why a delivery's `WorkOS-Signature` was refused. Stable strings: logs and tests key on them. */
export type WebhookSignatureFailure =
  /** No header, or an empty one. */
  | 'signature_missing'
  /** The header is not `t=<unix ms>, v1=<hex>`. */
  | 'signature_malformed'
  /** `t` is older than the tolerance (a replay of a captured delivery, or a badly late one). */
  | 'timestamp_stale'
  /** `t` is further in the future than the tolerance (a forged or pre-computed delivery). */
  | 'timestamp_future'
  /** No `v1` matches the HMAC of the body with our secret. */
  | 'signature_mismatch';

/** A delivery whose signature does not prove it came from WorkOS; answer 401 and run nothing. */
export class WorkOSWebhookSignatureError extends WorkOSMastraError {
  declare readonly code: 'webhook_signature_invalid';
  readonly reason: WebhookSignatureFailure;

  constructor(reason: WebhookSignatureFailure, message: string) {
    super('webhook_signature_invalid', message);
    this.name = 'WorkOSWebhookSignatureError';
    this.reason = reason;
  }
}

/** WorkOS's (and its SDK's) default: 3 minutes. */
export const DEFAULT_SIGNATURE_TOLERANCE_MS = 180_000;

interface ParsedHeader {
  timestampMs: number;
  signatures: string[];
}

/** `t=1700000000000, v1=abc…` (several `v1` entries are allowed, e.g. during secret rotation). */
function parseHeader(header: string): ParsedHeader | undefined {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator === -1) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1' && value !== '') signatures.push(value);
  }
  if (timestamp === undefined || !/^\d{1,16}$/.test(timestamp) || signatures.length === 0) return undefined;
  return { timestampMs: Number(timestamp), signatures };
}

/** Lower-case hex HMAC-SHA256 of `<t>.<body>`, exactly as WorkOS signs. */
export function computeWebhookSignature(secret: string, timestampMs: number | string, body: string | Uint8Array): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`${timestampMs}.`);
  hmac.update(body);
  return hmac.digest('hex');
}

/**
 * Checks a `WorkOS-Signature` header against the raw body: the timestamp must lie within
 * `toleranceMs` of now in either direction, and one `v1` must equal our HMAC (compared in constant
 * time). Throws {@link WorkOSWebhookSignatureError}; the message never contains the secret or the
 * signature.
 */
export function verifyWebhookSignature(
  body: string | Uint8Array,
  header: string | null | undefined,
  settings: { secret: string; toleranceMs: number; clock: Clock },
): void {
  if (typeof header !== 'string' || header.trim() === '') {
    throw new WorkOSWebhookSignatureError('signature_missing', 'The WorkOS-Signature header is missing.');
  }
  const parsed = parseHeader(header);
  if (!parsed) {
    throw new WorkOSWebhookSignatureError('signature_malformed', 'The WorkOS-Signature header is not of the form "t=<ms>, v1=<hex>".');
  }
  const ageMs = settings.clock.now() - parsed.timestampMs;
  if (ageMs > settings.toleranceMs) {
    throw new WorkOSWebhookSignatureError('timestamp_stale', `The webhook timestamp is ${ageMs} ms old (tolerance ${settings.toleranceMs} ms).`);
  }
  if (-ageMs > settings.toleranceMs) {
    throw new WorkOSWebhookSignatureError(
      'timestamp_future',
      `The webhook timestamp is ${-ageMs} ms in the future (tolerance ${settings.toleranceMs} ms).`,
    );
  }
  const expected = Buffer.from(computeWebhookSignature(settings.secret, parsed.timestampMs, body), 'hex');
  let matched = false;
  for (const candidate of parsed.signatures) {
    const given = /^[0-9a-f]+$/i.test(candidate) ? Buffer.from(candidate, 'hex') : Buffer.alloc(0);
    // Length differs → not ours; equal length → constant-time comparison. Check every entry.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  if (!matched) {
    throw new WorkOSWebhookSignatureError('signature_mismatch', 'The webhook signature does not match the body and the webhook secret.');
  }
}
