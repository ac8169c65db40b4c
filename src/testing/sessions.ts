/**
 * AuthKit sessions: single-use authorization codes and single-use refresh tokens, redeemed through
 * `POST /user_management/authenticate` (`authenticateWithCode`, `authenticateWithRefreshToken`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthorizationModel } from './authorization';
import { oauthError, unauthorized } from './errors';
import { newId, opaqueToken } from './ids';
import type { DirectoryStore } from './store';
import type { IssueAuthorizationCodeInput } from './types';
import { toWireUser } from './wire';

/** Authorization codes live 10 minutes, like WorkOS's. */
const CODE_TTL_MS = 10 * 60 * 1000;

interface Session {
  sessionId: string;
  userId: string;
  organizationId: string | undefined;
  claims: Record<string, unknown>;
  authenticationMethod: string;
}

interface PendingCode extends Session {
  expiresAt: number;
  codeChallenge: string | undefined;
}

/** Who is calling `authenticate`: decided by the server from the `Authorization` header. */
export interface CallerCredentials {
  /** `true`: valid API key; `false`: a wrong one was sent; `undefined`: no header. */
  bearerValid: boolean | undefined;
}

export interface SessionDeps {
  directory: DirectoryStore;
  authorization: AuthorizationModel;
  clientId: string;
  apiKey: string;
  /** Signs an access token with the emulator's current key. */
  mint: (claims: Record<string, unknown>) => Promise<string>;
  /** The emulator's clock (ms). */
  now: () => number;
}

/** A session as tests see it: who, which organization, how often it was refreshed, whether it ended. */
export interface EmulatorSessionInfo {
  readonly sessionId: string;
  readonly userId: string;
  readonly organizationId: string | undefined;
  /** Successful `refresh_token` grants of this session. */
  readonly refreshCount: number;
  /** `'revoked'` (sessions/revoke), `'logged_out'` (sessions/logout) or `undefined` while active. */
  readonly ended: 'revoked' | 'logged_out' | undefined;
}

type MutableSessionInfo = { -readonly [K in keyof EmulatorSessionInfo]: EmulatorSessionInfo[K] };

export class SessionAuthority {
  private readonly codes = new Map<string, PendingCode>();
  private readonly refreshTokens = new Map<string, Session>();
  private readonly sessions = new Map<string, MutableSessionInfo>();

  constructor(private readonly deps: SessionDeps) {}

  clear(): void {
    this.codes.clear();
    this.refreshTokens.clear();
    this.sessions.clear();
  }

  /** Every session created by a redeemed code, oldest first. */
  list(): EmulatorSessionInfo[] {
    return [...this.sessions.values()].map((info) => ({ ...info }));
  }

  get(sessionId: string): EmulatorSessionInfo | undefined {
    const info = this.sessions.get(sessionId);
    return info && { ...info };
  }

  /** Ends a session: its refresh tokens stop working. `false` for an unknown session. */
  end(sessionId: string, how: 'revoked' | 'logged_out'): boolean {
    const info = this.sessions.get(sessionId);
    if (!info) return false;
    info.ended ??= how;
    for (const [token, session] of this.refreshTokens) {
      if (session.sessionId === sessionId) this.refreshTokens.delete(token);
    }
    return true;
  }

  /** Creates a single-use code; throws when the user (or their active membership) is missing. */
  issueCode(input: IssueAuthorizationCodeInput): string {
    this.deps.directory.requireUser(input.userId);
    if (input.organizationId !== undefined) this.requireActiveMembership(input.userId, input.organizationId);
    const code = opaqueToken();
    this.codes.set(code, {
      sessionId: newId('session'),
      userId: input.userId,
      organizationId: input.organizationId,
      claims: { ...input.claims },
      authenticationMethod: input.authenticationMethod ?? 'Password',
      expiresAt: this.deps.now() + CODE_TTL_MS,
      codeChallenge: input.codeChallenge,
    });
    return code;
  }

  /** Handles the authenticate request body; returns the wire response or throws an OAuth error. */
  async authenticate(body: Record<string, unknown>, caller: CallerCredentials): Promise<Record<string, unknown>> {
    if (caller.bearerValid === false) throw unauthorized();
    if (body.client_id !== this.deps.clientId) throw oauthError('invalid_client', `Invalid client ID '${String(body.client_id)}'.`);
    const secret = body.client_secret;
    if (secret !== undefined && secret !== this.deps.apiKey) throw oauthError('invalid_client', 'Invalid client secret.', 401);
    const confidential = caller.bearerValid === true || secret !== undefined;

    switch (body.grant_type) {
      case 'authorization_code':
        return this.redeemCode(body, confidential);
      case 'refresh_token':
        return this.refresh(body);
      default:
        throw oauthError('unsupported_grant_type', `Unsupported grant_type '${String(body.grant_type)}'.`);
    }
  }

  private async redeemCode(body: Record<string, unknown>, confidential: boolean): Promise<Record<string, unknown>> {
    const code = typeof body.code === 'string' ? body.code : '';
    const pending = this.codes.get(code);
    // Single use: the code is burnt even if the checks below fail.
    this.codes.delete(code);
    if (!pending || pending.expiresAt < this.deps.now()) {
      throw oauthError('invalid_grant', 'The code is invalid, expired, or has already been used.');
    }
    const verifier = typeof body.code_verifier === 'string' ? body.code_verifier : undefined;
    if (pending.codeChallenge !== undefined) {
      if (verifier === undefined || !challengeMatches(pending.codeChallenge, verifier)) {
        throw oauthError('invalid_grant', 'The code_verifier does not match the code_challenge.');
      }
    } else if (!confidential) {
      throw oauthError('invalid_client', 'A client_secret (or a PKCE code_verifier) is required.', 401);
    }
    this.deps.directory.touchSignIn(pending.userId);
    const { expiresAt: _expiresAt, codeChallenge: _challenge, ...session } = pending;
    this.sessions.set(session.sessionId, {
      sessionId: session.sessionId,
      userId: session.userId,
      organizationId: session.organizationId,
      refreshCount: 0,
      ended: undefined,
    });
    return this.respond(session);
  }

  private async refresh(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    const session = this.refreshTokens.get(token);
    this.refreshTokens.delete(token); // single use
    if (!session) throw oauthError('invalid_grant', 'The refresh token is invalid or has already been used.');
    const info = this.sessions.get(session.sessionId);
    if (info?.ended) throw oauthError('invalid_grant', 'The session has ended.');
    // Switching organization on refresh is allowed for organizations the user is an active member of;
    // without `organization_id` the session keeps its current organization.
    const organizationId = typeof body.organization_id === 'string' ? body.organization_id : session.organizationId;
    const response = await this.respond({ ...session, organizationId });
    if (info) {
      info.refreshCount += 1;
      info.organizationId = organizationId;
    }
    return response;
  }

  private async respond(session: Session): Promise<Record<string, unknown>> {
    const user = this.deps.directory.getUser(session.userId);
    if (!user) throw oauthError('invalid_grant', `User '${session.userId}' no longer exists.`);
    const accessToken = await this.deps.mint(this.sessionClaims(session));
    const refreshToken = opaqueToken();
    this.refreshTokens.set(refreshToken, session);
    return {
      user: toWireUser(user),
      ...(session.organizationId !== undefined && { organization_id: session.organizationId }),
      access_token: accessToken,
      refresh_token: refreshToken,
      authentication_method: session.authenticationMethod,
    };
  }

  /** `sub`, `sid` and the organization claims of the current membership (re-read on each refresh). */
  private sessionClaims(session: Session): Record<string, unknown> {
    const claims: Record<string, unknown> = { sub: session.userId, sid: session.sessionId };
    if (session.organizationId !== undefined) {
      const membership = this.requireActiveMembership(session.userId, session.organizationId);
      const roles = membership.roles.map((r) => r.slug);
      Object.assign(claims, {
        org_id: session.organizationId,
        role: membership.role.slug,
        roles,
        permissions: this.deps.authorization.permissionsOf(roles),
      });
    }
    return { ...claims, ...session.claims };
  }

  private requireActiveMembership(userId: string, organizationId: string) {
    const membership = this.deps.directory.activeMembership(userId, organizationId);
    if (!membership) {
      throw oauthError('invalid_grant', `User '${userId}' has no active membership in organization '${organizationId}'.`);
    }
    return membership;
  }
}

/** PKCE S256: base64url(sha256(verifier)) === challenge, compared in constant time. */
function challengeMatches(challenge: string, verifier: string): boolean {
  const expected = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const actual = Buffer.from(challenge);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
