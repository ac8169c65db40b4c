import type { IMastraLogger } from '@mastra/core/logger';
import { asWorkOS, type WorkOSClientLike } from '../shared/workos-connection';
import { MastraBase } from '@mastra/core/base';
import type { WorkOS } from '@workos-inc/node';
import { WorkOSConfigError, WorkOSMastraError } from '../shared/errors';
import type { Clock } from '../shared/clock';
import { DEFAULT_ADMIN_REQUEST_TIMEOUT_MS, OptionValidator } from '../shared/options';
import { WorkOSGateway } from '../shared/gateway';
import { OncePerWindowLogger } from '../shared/log-once';

/**
 * What the Admin Portal opens on. The first four are upstream's; the rest are the ones SDK 11/12
 * adds (`GenerateLinkIntent`). Any other string is refused before WorkOS is called.
 */
export const ADMIN_PORTAL_INTENTS = [
  'sso',
  'dsync',
  'audit_logs',
  'log_streams',
  'domain_verification',
  'certificate_renewal',
  'bring_your_own_key',
] as const;

export type AdminPortalIntent = (typeof ADMIN_PORTAL_INTENTS)[number];

/** Options of `new WorkOSAdminPortal(workos, options)`. */
export interface WorkOSAdminPortalOptions {
  /**
   * Where the portal's logo links back to. Use an absolute URL (`https://app.example.com/settings`):
   * WorkOS may reject a relative one. Default `'/'` (upstream's), which then falls back to the
   * return URL configured in the WorkOS dashboard.
   */
  returnUrl?: string;
  /** Where the admin lands after finishing setup. Default: the dashboard's setting. */
  successUrl?: string;
  /** Bound on each WorkOS call, in ms. Default 10 000. */
  requestTimeoutMs?: number;
  /** Time source of the rate-limit gate and log windows; tests inject one. */
  clock?: Clock;
  /** Default: Mastra's logger for this component. */
  logger?: IMastraLogger;
}

/** An intent that is not one of {@link ADMIN_PORTAL_INTENTS}. */
export class WorkOSAdminPortalIntentError extends WorkOSMastraError {
  declare readonly code: 'portal_intent_invalid';
  readonly intent: unknown;

  constructor(intent: unknown) {
    super(
      'portal_intent_invalid',
      `WorkOSAdminPortal: unknown Admin Portal intent ${JSON.stringify(intent)}; use one of ${ADMIN_PORTAL_INTENTS.join(', ')}.`,
    );
    this.name = 'WorkOSAdminPortalIntentError';
    this.intent = intent;
  }
}

type GenerateLink = (workos: WorkOS, options: {
  organization: string;
  intent: AdminPortalIntent;
  returnUrl?: string;
  successUrl?: string;
}) => Promise<{ link: string }>;

/**
 * Admin Portal links, so an organization's IT admin can configure SSO, Directory Sync, audit-log
 * streaming and more without your support team. Works with SDKs that name the module
 * `adminPortal` (9 and later) and the older `portal`.
 */
export class WorkOSAdminPortal extends MastraBase {
  readonly #generateLink: GenerateLink;
  readonly #gateway: WorkOSGateway;
  readonly #returnUrl: string;
  readonly #successUrl: string | undefined;

  constructor(workosClient: WorkOSClientLike, options: WorkOSAdminPortalOptions = {}) {
    super({ component: 'AUTH', name: 'WorkOSAdminPortal' });
    const workos = asWorkOS(workosClient);
    type PortalModule = { generateLink?: (options: unknown) => Promise<{ link: string }> };
    const modules = (client: unknown) => (client ?? {}) as { adminPortal?: PortalModule; portal?: PortalModule };
    // SDK 9+ names the module `adminPortal`; 8 and older `portal` (same endpoint).
    const pick = (client: unknown) => {
      const { adminPortal, portal } = modules(client);
      return typeof adminPortal?.generateLink === 'function' ? adminPortal : portal;
    };
    if (typeof pick(workos)?.generateLink !== 'function') {
      throw new WorkOSConfigError(
        'workos',
        'WorkOSAdminPortal: the first argument must be a WorkOS client (`new WorkOS(apiKey)` from @workos-inc/node) with an Admin Portal module.',
      );
    }
    this.#generateLink = (client, request) => {
      const module = pick(client) as Required<PortalModule>;
      return module.generateLink(request);
    };
    const check: OptionValidator = new OptionValidator('WorkOSAdminPortal');
    this.#returnUrl = check.optionalString('returnUrl', options.returnUrl) ?? '/';
    this.#successUrl = check.optionalString('successUrl', options.successUrl);
    const timeout = check.requestTimeout(options.requestTimeoutMs, DEFAULT_ADMIN_REQUEST_TIMEOUT_MS);
    if (options.logger) this.__setLogger(options.logger);
    const clock = check.clock(options.clock);
    this.#gateway = new WorkOSGateway(workos, {
      component: 'WorkOSAdminPortal',
      requestTimeoutMs: timeout,
      clock,
      log: new OncePerWindowLogger(() => this.logger, { clock }),
    });
  }

  /**
   * A short-lived link that opens the Admin Portal for `organizationId` on `intent` (default
   * `'sso'`). Throws {@link WorkOSAdminPortalIntentError} for an unknown intent (WorkOS is not
   * called) and the SDK's error when WorkOS refuses (404 for an unknown organization).
   */
  async getPortalLink(organizationId: string, intent: AdminPortalIntent = 'sso'): Promise<string> {
    if (typeof organizationId !== 'string' || organizationId.trim() === '') {
      throw new TypeError('WorkOSAdminPortal: `organizationId` must be a non-empty string.');
    }
    if (!(ADMIN_PORTAL_INTENTS as readonly unknown[]).includes(intent)) throw new WorkOSAdminPortalIntentError(intent);
    const request = {
      organization: organizationId,
      intent,
      returnUrl: this.#returnUrl,
      ...(this.#successUrl !== undefined && { successUrl: this.#successUrl }),
    };
    const result = await this.#gateway.call('generateLink', (workos) => this.#generateLink(workos, request));
    if (typeof result?.link !== 'string' || result.link === '') {
      throw new WorkOSMastraError('portal_link_missing', 'WorkOSAdminPortal: WorkOS answered without a portal link.');
    }
    return result.link;
  }
}
