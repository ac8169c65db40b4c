/** Reading request bodies and writing responses over `node:http`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EmulatorApiError, badRequest } from './errors';

/** Request bodies of the emulated endpoints are tiny; anything larger is a client bug. */
const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new EmulatorApiError(413, { code: 'payload_too_large', message: 'Request body exceeds 1 MiB.' }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON object (or form-encoded) body; `{}` when empty. */
export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw.trim() === '') return {};
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest('The request body is not valid JSON.', 'invalid_json');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('The request body must be a JSON object.', 'invalid_json');
  }
  return parsed as Record<string, unknown>;
}

export interface Outgoing {
  status: number;
  /** `undefined`: no body; string: sent as is; anything else: JSON. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Writes a response unless the client is already gone. */
export function send(res: ServerResponse, out: Outgoing): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...out.headers };
  if (out.body === undefined) {
    res.writeHead(out.status, headers).end();
    return;
  }
  const isRaw = typeof out.body === 'string';
  const payload = isRaw ? (out.body as string) : JSON.stringify(out.body);
  headers['Content-Type'] = out.contentType ?? (isRaw ? 'text/plain; charset=utf-8' : 'application/json');
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(out.status, headers).end(payload);
}
