/**
 * The offline WorkOS emulator: an HTTP server on loopback that speaks the WorkOS wire format the
 * real `@workos-inc/node` SDK (v11) expects, with seeded data, token minting, call counting and
 * fault injection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WorkOS } from '@workos-inc/node';
import { AuthorizationModel } from './authorization';
import { EmulatorApiError, unauthorized } from './errors';
import { defaultFaultBody, FaultRegistry } from './faults';
import { parseBody, readBody, send, type Outgoing } from './http-io';
import { KeyRing, mintAccessToken } from './keys';
import { CreationOrder } from './pagination';
import { Router, type RouteMatch } from './router';
import { DirectorySyncModel } from './directory-sync';
import { AuditAndPortalLog, auditAndPortalRoutes } from './routes-audit';
import { authorizationRoutes } from './routes-authorization';
import { directorySyncRoutes } from './routes-directory-sync';
import { WebhookSender } from './webhooks';
import { userManagementRoutes } from './routes-user-management';
import { SessionAuthority } from './sessions';
import { DirectoryStore } from './store';
import type {
  AssignRoleInput,
  CreateDirectoryGroupInput,
  CreateDirectoryInput,
  CreateDirectoryUserInput,
  CreateMembershipInput,
  CreateOrganizationInput,
  CreateResourceInput,
  CreateUserInput,
  DefineRoleInput,
  EmulatorAuditEvent,
  EmulatorAuditExport,
  EmulatorCall,
  EmulatorDirectory,
  EmulatorDirectoryGroup,
  EmulatorDirectorySyncEvent,
  EmulatorDirectoryUser,
  EmulatorFault,
  EmulatorJwk,
  EmulatorMembership,
  EmulatorOrganization,
  EmulatorPortalLink,
  EmulatorResource,
  EmulatorRole,
  EmulatorRoleAssignment,
  EmulatorRoute,
  EmulatorUser,
  EmulatorWebhookDelivery,
  IssueAuthorizationCodeInput,
  MintAccessTokenInput,
  RotateKeysOptions,
  SendWebhookOptions,
  UpdateDirectoryUserInput,
  UpdateMembershipInput,
  UpdateUserInput,
  WorkOSEmulatorConnection,
  WorkOSEmulatorOptions,
} from './types';

interface ResolvedOptions {
  apiKey: string;
  clientId: string;
  host: string;
  port: number;
  tokenTtlSeconds: number;
}

/** A call record whose status is filled in when the response goes out. */
type MutableCall = { -readonly [K in keyof EmulatorCall]: EmulatorCall[K] };

/**
 * Starts an emulator; same as {@link WorkOSEmulator.start}.
 *
 * @example
 * ```ts
 * import { startWorkOSEmulator } from '@mastra/auth-workos/testing';
 *
 * const emu = await startWorkOSEmulator();
 * const user = emu.createUser({ email: 'ada@example.com' });
 * const token = await emu.mintAccessToken({ sub: user.id });
 * Object.assign(process.env, emu.env()); // point your app's WorkOS client here
 * // ... exercise your app with `Authorization: Bearer ${token}` ...
 * await emu.stop();
 * ```
 */
export function startWorkOSEmulator(options?: WorkOSEmulatorOptions): Promise<WorkOSEmulator> {
  return WorkOSEmulator.start(options);
}

/**
 * An in-process WorkOS API for tests: User Management (users, organizations, memberships,
 * `authenticate`), the JWKS, and the Authorization API, over real HTTP on 127.0.0.1.
 *
 * Seed data with `createUser` / `createOrganization` / `createMembership` / `defineRole` /
 * `createResource` / `assignRole`, mint tokens with `mintAccessToken` (or go through the code
 * flow with `issueAuthorizationCode`), observe traffic with `callCount` / `calls`, and break
 * things with `injectFault`. Always `await emu.stop()` (for example in `afterAll`).
 */
export class WorkOSEmulator {
  /** API key the emulator accepts. */
  readonly apiKey: string;
  /** Client id (JWKS path, issuer, authenticate `client_id`). */
  readonly clientId: string;
  /** Host the server is bound to, as given (`'127.0.0.1'` by default). */
  readonly hostname: string;

  private readonly ttlSeconds: number;
  private readonly requestedPort: number;
  private readonly server: Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly callLog: MutableCall[] = [];
  private readonly order = new CreationOrder();
  private readonly directory = new DirectoryStore(this.order);
  private readonly authorization = new AuthorizationModel(this.directory, this.order);
  private readonly faults = new FaultRegistry();
  private readonly dsync = new DirectorySyncModel(this.order, (id) => this.directory.getOrganization(id) !== undefined);
  private readonly webhooks = new WebhookSender();
  private readonly auditLog = new AuditAndPortalLog();
  private readonly sessions: SessionAuthority;
  private readonly router: Router;
  private boundPort = 0;
  private requestCount = 0;
  private stopping: Promise<void> | undefined;

  private constructor(
    options: ResolvedOptions,
    private readonly keys: KeyRing,
  ) {
    this.apiKey = options.apiKey;
    this.clientId = options.clientId;
    this.hostname = options.host;
    this.ttlSeconds = options.tokenTtlSeconds;
    this.requestedPort = options.port;
    this.sessions = new SessionAuthority({
      directory: this.directory,
      authorization: this.authorization,
      clientId: this.clientId,
      apiKey: this.apiKey,
      mint: (claims) => this.mintAccessToken(claims as MintAccessTokenInput),
    });
    this.router = new Router([
      ...userManagementRoutes({
        directory: this.directory,
        sessions: this.sessions,
        keys: this.keys,
        order: this.order,
        clientId: this.clientId,
      }),
      ...authorizationRoutes({ directory: this.directory, authorization: this.authorization, order: this.order }),
      ...directorySyncRoutes({ model: this.dsync, order: this.order }),
      ...auditAndPortalRoutes({
        log: this.auditLog,
        baseUrl: () => this.baseUrl,
        organizationExists: (id) => this.directory.getOrganization(id) !== undefined,
      }),
    ]);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /**
   * Generates a signing key and starts listening. Rejects for a non-loopback `host` or invalid
   * options.
   */
  static async start(options: WorkOSEmulatorOptions = {}): Promise<WorkOSEmulator> {
    const resolved = resolveOptions(options);
    const emulator = new WorkOSEmulator(resolved, await KeyRing.create());
    await emulator.listen();
    return emulator;
  }

  // ---- addresses ----

  /** The bound TCP port (the random one when `port` was 0). */
  get port(): number {
    return this.boundPort;
  }

  /** `http://127.0.0.1:<port>`: the API base URL. */
  get baseUrl(): string {
    return `http://${urlHost(this.hostname)}:${this.boundPort}`;
  }

  /** `iss` of the access tokens: `<baseUrl>/user_management/<clientId>` (the newer WorkOS form). */
  get issuer(): string {
    return `${this.baseUrl}/user_management/${this.clientId}`;
  }

  /** `<baseUrl>/sso/jwks/<clientId>`, what `workos.userManagement.getJwksUrl(clientId)` returns. */
  get jwksUrl(): string {
    return `${this.baseUrl}/sso/jwks/${this.clientId}`;
  }

  /** Options for `new WorkOS(apiKey, options)`, or the connection options of this package's providers. */
  get connection(): WorkOSEmulatorConnection {
    return { apiKey: this.apiKey, clientId: this.clientId, apiHostname: urlHost(this.hostname), port: this.port, https: false };
  }

  /**
   * Environment variables that point a WorkOS client here: `WORKOS_API_KEY`, `WORKOS_CLIENT_ID`,
   * `WORKOS_API_HOSTNAME`, `WORKOS_API_PORT`, `WORKOS_API_HTTPS=false`.
   */
  env(): Record<string, string> {
    return {
      WORKOS_API_KEY: this.apiKey,
      WORKOS_CLIENT_ID: this.clientId,
      WORKOS_API_HOSTNAME: urlHost(this.hostname),
      WORKOS_API_PORT: String(this.port),
      WORKOS_API_HTTPS: 'false',
    };
  }

  /** A real `@workos-inc/node` client pointed at the emulator, with retries off (`maxRetries: 0`). */
  createWorkOSClient(): WorkOS {
    const { apiKey, ...options } = this.connection;
    return new WorkOS(apiKey, { ...options, maxRetries: 0 });
  }

  // ---- lifecycle ----

  /** Closes the server and every open connection, hung ones included. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers.clear();
      this.server.close(() => resolve());
      // Cuts keep-alive, delayed and hung connections too, instead of waiting for them.
      this.server.closeAllConnections();
    });
    return this.stopping;
  }

  /** Forgets all data, calls, faults, codes and refresh tokens. Signing keys are kept. */
  reset(): void {
    this.directory.clear();
    this.authorization.clear();
    this.sessions.clear();
    this.faults.clear();
    this.dsync.clear();
    this.webhooks.clear();
    this.auditLog.clear();
    this.callLog.length = 0;
    this.order.clear();
  }

  // ---- users, organizations, memberships ----

  /** Adds a user (id `user_01...` unless given). Throws on a duplicate id or email. */
  createUser(input: CreateUserInput): EmulatorUser {
    return this.directory.createUser(input);
  }

  /** Patches a user; `undefined` fields are left alone, `null` clears. Throws for an unknown id. */
  updateUser(id: string, patch: UpdateUserInput): EmulatorUser {
    return this.directory.updateUser(id, patch);
  }

  /** Deletes a user with their memberships and role assignments. Throws for an unknown id. */
  deleteUser(id: string): void {
    this.authorization.forgetMemberships(this.directory.deleteUser(id));
  }

  getUser(id: string): EmulatorUser | undefined {
    return this.directory.getUser(id);
  }

  /** Adds an organization (id `org_01...` unless given); each domain becomes a verified domain. */
  createOrganization(input: CreateOrganizationInput): EmulatorOrganization {
    return this.directory.createOrganization(input);
  }

  getOrganization(id: string): EmulatorOrganization | undefined {
    return this.directory.getOrganization(id);
  }

  /**
   * Adds a membership (id `om_01...` unless given; role `'member'` and status `'active'` by
   * default). User and organization must exist; one membership per user and organization.
   */
  createMembership(input: CreateMembershipInput): EmulatorMembership {
    return this.directory.createMembership(input);
  }

  /** Changes role(s) or status of a membership. */
  updateMembership(id: string, patch: UpdateMembershipInput): EmulatorMembership {
    return this.directory.updateMembership(id, patch);
  }

  /** Deletes a membership and its role assignments. */
  deleteMembership(id: string): void {
    this.directory.deleteMembership(id);
    this.authorization.forgetMemberships([id]);
  }

  getMembership(id: string): EmulatorMembership | undefined {
    return this.directory.getMembership(id);
  }

  // ---- Directory Sync ----

  /** Adds a directory to an organization (id `directory_01...` unless given). */
  createDirectory(input: CreateDirectoryInput): EmulatorDirectory {
    return this.dsync.createDirectory(input);
  }

  /** Adds a group to a directory. */
  createDirectoryGroup(input: CreateDirectoryGroupInput): EmulatorDirectoryGroup {
    return this.dsync.createGroup(input);
  }

  /** Adds a directory user; its `email` is what links it to the AuthKit user of the same email. */
  createDirectoryUser(input: CreateDirectoryUserInput): EmulatorDirectoryUser {
    return this.dsync.createUser(input);
  }

  /** Patches a directory user (e.g. `{ state: 'inactive' }` or new `groupIds`). */
  updateDirectoryUser(id: string, patch: UpdateDirectoryUserInput): EmulatorDirectoryUser {
    return this.dsync.updateUser(id, patch);
  }

  /**
   * Removes a directory user, and — as a deprovisioning IdP does for directory-provisioned
   * users — the AuthKit user with the same email (with memberships and role assignments) unless
   * `deleteAuthKitUser: false`. Returns the removed directory user (for the webhook payload).
   */
  deleteDirectoryUser(id: string, options: { deleteAuthKitUser?: boolean } = {}): EmulatorDirectoryUser {
    const removed = this.dsync.deleteUser(id);
    if (options.deleteAuthKitUser ?? true) {
      const userId = this.directory.userIdByEmail(removed.email);
      if (userId !== undefined) this.deleteUser(userId);
    }
    return removed;
  }

  getDirectoryUser(id: string): EmulatorDirectoryUser | undefined {
    try {
      return this.dsync.requireUser(id);
    } catch {
      return undefined;
    }
  }

  /**
   * The snake_case `data` WorkOS sends for a `dsync.*` event about a directory user, a group, or
   * (for `user_added` / `user_removed`) both: `{ directory_id, user, group }`. Pass the object
   * returned by `createDirectoryUser` / `deleteDirectoryUser` (a deleted user is gone from the model).
   */
  directoryEventData(
    event: EmulatorDirectorySyncEvent,
    subject: { user?: EmulatorDirectoryUser; group?: EmulatorDirectoryGroup },
  ): Record<string, unknown> {
    const user = subject.user && this.dsync.toWireUser(subject.user);
    const group = subject.group && this.dsync.toWireGroup(subject.group);
    if (event === 'dsync.group.user_added' || event === 'dsync.group.user_removed') {
      if (!user || !group) throw new Error(`WorkOS emulator: ${event} needs both { user, group }.`);
      return { directory_id: subject.user?.directoryId, user, group };
    }
    const data = event.startsWith('dsync.user.') ? user : group;
    if (!data) throw new Error(`WorkOS emulator: ${event} needs { ${event.startsWith('dsync.user.') ? 'user' : 'group'} }.`);
    if (event === 'dsync.user.deleted') return { ...data, state: 'inactive' };
    return data;
  }

  /** The secret `sendWebhook` signs with by default (the endpoint secret of the WorkOS dashboard). */
  setWebhookSecret(secret: string): void {
    if (typeof secret !== 'string' || secret === '') throw new Error('WorkOS emulator: the webhook secret must be a non-empty string.');
    this.webhooks.secret = secret;
  }

  /**
   * POSTs a signed WorkOS event `{ object: 'event', id, event, data, created_at }` to `url`, as
   * WorkOS delivers webhooks, and records the answer. Knobs (`timestampOffsetMs`, `secret`,
   * `reserializeBody`, `duplicate`, `omitSignature`, `tamperBody`, `eventId`) produce the
   * deliveries a receiver must refuse or deduplicate. Resolves with the recorded deliveries.
   *
   * @example
   * ```ts
   * emu.setWebhookSecret('whsec_test');
   * const gone = emu.deleteDirectoryUser(dirUser.id);
   * await emu.sendWebhook(url, 'dsync.user.deleted', emu.directoryEventData('dsync.user.deleted', { user: gone }));
   * ```
   */
  sendWebhook(url: string, event: string, data: Record<string, unknown>, options?: SendWebhookOptions): Promise<EmulatorWebhookDelivery[]> {
    return this.webhooks.send(url, event, data, options);
  }

  /** Every webhook request sent so far, oldest first. */
  get webhookDeliveries(): ReadonlyArray<EmulatorWebhookDelivery> {
    return [...this.webhooks.deliveries];
  }

  // ---- Admin Portal and Audit Logs (recorded for assertions) ----

  /** Every Admin Portal link generated, oldest first. */
  get portalLinks(): ReadonlyArray<EmulatorPortalLink> {
    return [...this.auditLog.portalLinks];
  }

  /** Every audit-log event stored (an idempotent replay is stored once), oldest first. */
  get auditEvents(): ReadonlyArray<EmulatorAuditEvent> {
    return structuredClone(this.auditLog.auditEvents);
  }

  /** Every audit-log export created, oldest first. */
  get auditExports(): ReadonlyArray<EmulatorAuditExport> {
    return [...this.auditLog.exports.values()].map(({ id, organizationId, request, state, polls }) => ({ id, organizationId, request, state, polls }));
  }

  // ---- tokens and keys ----

  /**
   * Mints an RS256 access token like AuthKit's: `iss` = {@link issuer}, `sub`, `sid`, `jti`,
   * `iat`, `exp` = `iat + expiresIn`, plus any claim you pass. `expiresIn`, `kid`, `header` and
   * `signWith` are options; every other key is a claim (set one to `undefined` to omit it).
   *
   * @example
   * ```ts
   * await emu.mintAccessToken({ sub: user.id, org_id: org.id, permissions: ['posts:read'] });
   * await emu.mintAccessToken({ sub: user.id, expiresIn: -60 });          // expired
   * await emu.mintAccessToken({ sub: user.id, signWith: 'foreign' });     // bad signature
   * await emu.mintAccessToken({ sub: user.id, header: { crit: ['x'] } }); // hostile header
   * ```
   */
  mintAccessToken(input: MintAccessTokenInput): Promise<string> {
    return mintAccessToken(this.keys, { issuer: this.issuer, ttlSeconds: this.ttlSeconds }, input);
  }

  /**
   * A single-use authorization code for `workos.userManagement.authenticateWithCode`. The response
   * has the user, `organization_id`, an access token (with `org_id`, `role`, `roles` and
   * `permissions` of the user's membership there) and a single-use refresh token.
   */
  issueAuthorizationCode(input: IssueAuthorizationCodeInput): string {
    return this.sessions.issueCode(input);
  }

  /** Replaces the signing key. With `keepPrevious` (default) the old key stays in the JWKS. */
  rotateKeys(options: RotateKeysOptions = {}): Promise<{ kid: string }> {
    return this.keys.rotate(options.keepPrevious ?? true);
  }

  /** `kid` of the key that signs new tokens. */
  get currentKid(): string {
    return this.keys.currentKid;
  }

  /** The JWKS document the server publishes. */
  publicJwks(): { keys: EmulatorJwk[] } {
    return this.keys.publicJwks();
  }

  // ---- observability ----

  /** Number of requests on a route (rejected and faulted ones included), or in total. */
  callCount(route?: EmulatorRoute): number {
    return route === undefined ? this.callLog.length : this.callLog.filter((call) => call.route === route).length;
  }

  /** Snapshot of the requests so far, oldest first. */
  get calls(): ReadonlyArray<EmulatorCall> {
    return [...this.callLog];
  }

  /** Forgets the recorded calls (data and faults stay). */
  resetCalls(): void {
    this.callLog.length = 0;
  }

  // ---- faults ----

  /**
   * Makes a route misbehave: answer with `status` (and `body`, `headers`, `contentType`), answer
   * after `delayMs`, or `hang` forever; for `times` requests or until cleared. Faults on one route
   * apply in the order they were injected.
   *
   * @example
   * ```ts
   * emu.injectFault('getUser', { status: 429, headers: { 'Retry-After': '2' }, times: 1 });
   * emu.injectFault('jwks', { delayMs: 2_000 });
   * emu.injectFault('authorization.check', { hang: true });
   * ```
   */
  injectFault(route: EmulatorRoute, fault: EmulatorFault): void {
    this.faults.inject(route, fault);
  }

  /** Removes the faults of one route, or of all routes. */
  clearFaults(route?: EmulatorRoute): void {
    this.faults.clear(route);
  }

  // ---- Authorization API model ----

  /**
   * Declares a role granting `permissions`: an environment role, or with `organizationId` a custom
   * role of that organization; `resourceTypeSlug` (default `'organization'`) names the resource
   * type it belongs to. A membership whose `role`/`roles` include it holds those permissions on
   * every resource of its organization; a role assignment holds them on the resource and its
   * descendants.
   */
  defineRole(input: DefineRoleInput): EmulatorRole {
    return this.authorization.defineRole(input);
  }

  /** Adds an Authorization API resource (id `authz_resource_01...` unless given). */
  createResource(input: CreateResourceInput): EmulatorResource {
    return this.authorization.createResource(input);
  }

  /** Grants a declared role to a membership on a resource (and so on its descendants). */
  assignRole(input: AssignRoleInput): EmulatorRoleAssignment {
    return this.authorization.assignRole(input);
  }

  // ---- HTTP ----

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.requestedPort, this.hostname, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        this.boundPort = typeof address === 'object' && address !== null ? address.port : this.requestedPort;
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const match = this.router.match(method, url.pathname);
    const call: MutableCall = { route: match?.route.name ?? 'unknown', method, path: url.pathname, status: 0, at: Date.now() };
    this.callLog.push(call);
    const reply = (out: Outgoing): void => {
      call.status = out.status;
      send(res, { ...out, headers: { 'X-Request-ID': `req_emulator_${++this.requestCount}`, ...out.headers } });
    };

    try {
      const fault = this.faults.take(call.route);
      if (fault && (await this.applyFault(fault, reply))) return;
      const out = await this.dispatch(req, url, match);
      if (fault?.delayResponseMs) await this.sleep(fault.delayResponseMs);
      reply(out);
    } catch (error) {
      if (error instanceof EmulatorApiError) {
        reply({ status: error.status, body: error.body });
        return;
      }
      console.error('[workos-emulator] unexpected error while handling', method, url.pathname, error);
      reply({ status: 500, body: { code: 'emulator_error', message: error instanceof Error ? error.message : String(error) } });
    }
  }

  /** Returns `true` when the fault answered (or swallowed) the request. */
  private async applyFault(fault: EmulatorFault, reply: (out: Outgoing) => void): Promise<boolean> {
    if (fault.hang) return true; // never answered; stop() closes the connection
    if (fault.delayMs !== undefined && fault.delayMs > 0) await this.sleep(fault.delayMs);
    if (fault.status === undefined) return false;
    reply({
      status: fault.status,
      body: fault.body ?? defaultFaultBody(fault.status),
      ...(fault.contentType !== undefined && { contentType: fault.contentType }),
      ...(fault.headers !== undefined && { headers: fault.headers }),
    });
    return true;
  }

  private async dispatch(req: IncomingMessage, url: URL, match: RouteMatch | undefined): Promise<Outgoing> {
    const raw = await readBody(req);
    const bearerValid = this.checkBearer(req.headers.authorization);
    if (!match) {
      if (bearerValid !== true) throw unauthorized();
      throw new EmulatorApiError(404, { code: 'not_found', message: `The WorkOS emulator has no endpoint ${req.method} ${url.pathname}.` });
    }
    if (match.route.access === 'api-key' && bearerValid !== true) throw unauthorized();
    const { params } = match;
    return match.route.handle({
      param: (name) => {
        const value = params.get(name);
        if (value === undefined) throw new Error(`Route ${match.route.name} has no parameter '${name}'.`);
        return value;
      },
      query: url.searchParams,
      header: (name) => {
        const value = req.headers[name.toLowerCase()];
        return Array.isArray(value) ? value.join(', ') : value;
      },
      body: parseBody(raw, req.headers['content-type']),
      bearerValid,
    });
  }

  /** `undefined` without an `Authorization` header; otherwise whether it carries our API key. */
  private checkBearer(header: string | undefined): boolean | undefined {
    if (header === undefined) return undefined;
    const match = /^bearer +(\S+)$/i.exec(header.trim());
    return match?.[1] === this.apiKey;
  }

  /** A timer stop() can cancel, so delayed requests never outlive the emulator. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function resolveOptions(options: WorkOSEmulatorOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    apiKey: options.apiKey ?? 'sk_test_emulator',
    clientId: options.clientId ?? 'client_emulator',
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 300,
  };
  if (!resolved.apiKey.trim() || /\s/.test(resolved.apiKey)) throw new Error('WorkOS emulator: apiKey must be a non-empty string without spaces.');
  if (!/^[\w.-]+$/.test(resolved.clientId)) throw new Error('WorkOS emulator: clientId may only contain letters, digits, "_", "-" and ".".');
  if (!isLoopback(resolved.host)) {
    throw new Error(`WorkOS emulator: refusing to listen on '${resolved.host}'; only loopback hosts (127.0.0.1, ::1, localhost) are allowed.`);
  }
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65535) {
    throw new Error(`WorkOS emulator: port must be an integer between 0 and 65535; got ${resolved.port}.`);
  }
  if (!Number.isFinite(resolved.tokenTtlSeconds) || resolved.tokenTtlSeconds <= 0) {
    throw new Error(`WorkOS emulator: tokenTtlSeconds must be a positive number; got ${resolved.tokenTtlSeconds}.`);
  }
  return resolved;
}

/** The emulator is a test double with a known API key: it must never be reachable from the network. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** IPv6 literals need brackets in URLs and in the SDK's `apiHostname`. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
