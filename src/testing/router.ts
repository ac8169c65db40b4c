import { unprocessable } from './errors';
import type { EmulatorRoute } from './types';

/** What a route handler sees of a request. */
export interface RequestContext {
  /** Path parameters, percent-decoded (SDK v11 percent-encodes ids). */
  param(name: string): string;
  query: URLSearchParams;
  /** Parsed JSON (or form) body; `{}` when there is none. */
  body: Record<string, unknown>;
  /** A request header (lower-case name), or `undefined`. */
  header(name: string): string | undefined;
  /** `true`: valid API key; `false`: wrong key sent; `undefined`: no `Authorization` header. */
  bearerValid: boolean | undefined;
}

/** A handler's answer; no `body` means a bare 204-style response. */
export interface Reply {
  status: number;
  body?: unknown;
  /** Default: JSON for objects, text for strings. */
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/**
 * `api-key`: requires `Authorization: Bearer <apiKey>`; `public`: no credentials (JWKS);
 * `client`: the handler authenticates the client itself (the OAuth-style authenticate endpoint).
 */
export type Access = 'api-key' | 'public' | 'client';

export interface RouteDefinition {
  name: EmulatorRoute;
  method: string;
  segments: readonly string[];
  access: Access;
  handle: Handler;
}

/** `route('getUser', 'GET /user_management/users/:id', handler)`. */
export function route(name: EmulatorRoute, spec: string, handle: Handler, access: Access = 'api-key'): RouteDefinition {
  const [method, path] = spec.split(' ');
  if (!method || !path) throw new Error(`Bad route spec '${spec}'.`);
  return { name, method, segments: splitPath(path), access, handle };
}

export interface RouteMatch {
  route: RouteDefinition;
  params: ReadonlyMap<string, string>;
}

/** First-match router over literal and `:param` path segments. */
export class Router {
  constructor(private readonly routes: readonly RouteDefinition[]) {}

  match(method: string, pathname: string): RouteMatch | undefined {
    let segments: string[];
    try {
      segments = splitPath(pathname).map((segment) => decodeURIComponent(segment));
    } catch {
      return undefined; // malformed percent-encoding matches nothing
    }
    for (const candidate of this.routes) {
      if (candidate.method !== method) continue;
      const params = matchSegments(candidate.segments, segments);
      if (params) return { route: candidate, params };
    }
    return undefined;
  }
}

/** Splits raw (still encoded) path segments, so an encoded `/` inside an id stays in its segment. */
function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Map<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params = new Map<string, string>();
  for (const [index, expected] of pattern.entries()) {
    const value = actual[index] ?? '';
    if (expected.startsWith(':')) params.set(expected.slice(1), value);
    else if (expected !== value) return undefined;
  }
  return params;
}

// ---- body and query readers shared by the route modules ----

/** A string field of the body, or `undefined`. */
export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' ? value : undefined;
}

/** A required non-empty string field; 422 otherwise (as WorkOS validates request bodies). */
export function requiredString(body: Record<string, unknown>, key: string): string {
  const value = optionalString(body, key);
  if (value === undefined || value === '') throw unprocessable(`${key} is required.`);
  return value;
}

/** A query parameter, treating empty as absent (the SDK drops empty parameters too). */
export function queryParam(query: URLSearchParams, key: string): string | undefined {
  const value = query.get(key);
  return value === null || value === '' ? undefined : value;
}
