import { WorkOS } from '@workos-inc/node';
import { WorkOSConfigError } from './errors';
import { nonEmptyString } from './options';

/** How to reach WorkOS; shared by every provider in this package. */
export interface WorkOSConnectionOptions {
  /** WorkOS API key. Falls back to `WORKOS_API_KEY`. */
  apiKey?: string;
  /** WorkOS client id. Falls back to `WORKOS_CLIENT_ID`. */
  clientId?: string;
  /** API host, as the SDK's `apiHostname` (default `api.workos.com`). Falls back to `WORKOS_API_HOSTNAME`. */
  apiHostname?: string;
  /** API port, as the SDK's `port`. Falls back to `WORKOS_API_PORT`. */
  port?: number;
  /** Use HTTPS (default `true`). Falls back to `WORKOS_API_HTTPS` (`false`/`0` turn it off). */
  https?: boolean;
  /**
   * A ready WorkOS client; when given, `apiHostname`, `port` and `https` are taken from it, and
   * `apiKey` / `clientId` default to the client's own. Any
   * `new WorkOS(...)` from `@workos-inc/node` 11 or 12 fits, including one from the app's own copy
   * of the SDK (the type is structural, not our copy's class).
   */
  workos?: WorkOSClientLike;
}

/**
 * What this package needs to recognise a WorkOS SDK client, structurally: the SDK's class has
 * private members, so the class of one copy is not assignable to another copy's. Every call then
 * goes through the modules the SDK has had since version 8.
 */
export interface WorkOSClientLike {
  readonly userManagement: { getJwksUrl(clientId: string): string };
}

/** A client as our own SDK copy types it; 11 and 12 have the same methods we call. */
export function asWorkOS(client: WorkOSClientLike): WorkOS {
  return client as unknown as WorkOS;
}

export interface ResolvedWorkOSConnection {
  apiKey: string;
  clientId: string;
  workos: WorkOS;
  /** `<http|https>://host[:port]` of the API, as the SDK builds it. */
  baseUrl: string;
}

type Env = Record<string, string | undefined>;


function parsePort(raw: string | number | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const port = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new WorkOSConfigError(
      'port',
      `Invalid WorkOS API port ${JSON.stringify(raw)}: set the \`port\` option or WORKOS_API_PORT to an integer between 1 and 65535.`,
    );
  }
  return port;
}

function parseHttps(raw: boolean | string | undefined): boolean | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw === 'boolean') return raw;
  const lowered = raw.trim().toLowerCase();
  if (lowered === 'true' || lowered === '1') return true;
  if (lowered === 'false' || lowered === '0') return false;
  throw new WorkOSConfigError(
    'https',
    `Invalid WORKOS_API_HTTPS value ${JSON.stringify(raw)}: use true or false (or set the \`https\` option).`,
  );
}

/**
 * Resolves credentials and the API endpoint from options, then the environment, and builds (or
 * adopts) the WorkOS client. `requestTimeoutMs` bounds each SDK call; retries are off because a
 * request-path call must fail fast and never multiply load on a struggling WorkOS.
 */
export function resolveWorkOSConnection(
  options: WorkOSConnectionOptions,
  settings: { env?: Env; requestTimeoutMs?: number; component: string },
): ResolvedWorkOSConnection {
  const env = settings.env ?? process.env;
  // A ready client already carries its API key and client id (the SDK's public `key`/`clientId`).
  const client = (options.workos ?? {}) as { key?: unknown; clientId?: unknown };
  const apiKey = nonEmptyString(options.apiKey) ?? nonEmptyString(client.key) ?? nonEmptyString(env.WORKOS_API_KEY);
  const clientId = nonEmptyString(options.clientId) ?? nonEmptyString(client.clientId) ?? nonEmptyString(env.WORKOS_CLIENT_ID);
  if (!apiKey || !clientId) {
    const missing = [!apiKey && 'apiKey (env WORKOS_API_KEY)', !clientId && 'clientId (env WORKOS_CLIENT_ID)']
      .filter(Boolean)
      .join(' and ');
    throw new WorkOSConfigError(
      !apiKey ? 'apiKey' : 'clientId',
      `${settings.component}: WorkOS ${missing} missing. Pass the \`apiKey\` and \`clientId\` options, ` +
        `or set the WORKOS_API_KEY and WORKOS_CLIENT_ID environment variables.`,
    );
  }

  if (options.workos !== undefined && typeof options.workos?.userManagement?.getJwksUrl !== 'function') {
    throw new WorkOSConfigError(
      'workos',
      `${settings.component}: \`workos\` must be a WorkOS client (\`new WorkOS(apiKey, { clientId })\` from @workos-inc/node 11 or 12).`,
    );
  }
  let workos = options.workos === undefined ? undefined : asWorkOS(options.workos);
  if (!workos) {
    const apiHostname = nonEmptyString(options.apiHostname) ?? nonEmptyString(env.WORKOS_API_HOSTNAME);
    const port = parsePort(options.port ?? env.WORKOS_API_PORT);
    const https = parseHttps(options.https ?? env.WORKOS_API_HTTPS);
    workos = new WorkOS(apiKey, {
      clientId,
      ...(apiHostname !== undefined && { apiHostname }),
      ...(port !== undefined && { port }),
      ...(https !== undefined && { https }),
      ...(settings.requestTimeoutMs !== undefined && { timeout: settings.requestTimeoutMs }),
      maxRetries: 0,
    });
  }
  return { apiKey, clientId, workos, baseUrl: baseUrlOf(workos, clientId) };
}

/** The API base URL of a client, derived from the JWKS URL the SDK builds (no request made). */
export function baseUrlOf(workos: WorkOS, clientId: string): string {
  const jwksUrl = workos.userManagement.getJwksUrl(clientId);
  const marker = jwksUrl.indexOf('/sso/jwks/');
  return marker === -1 ? new URL(jwksUrl).origin : jwksUrl.slice(0, marker);
}
