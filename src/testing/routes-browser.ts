/**
 * The browser side of AuthKit: the hosted login page (`/user_management/authorize`), the logout
 * redirect (`/user_management/sessions/logout`) and session revocation. The login page lists the
 * seeded users (and their active organizations) as buttons with stable `data-testid`s, plus Cancel.
 */
import { EmulatorApiError, notFound } from './errors';
import { optionalString, queryParam, requiredString, route, type Reply, type RouteDefinition } from './router';
import type { SessionAuthority } from './sessions';
import type { DirectoryStore } from './store';

export interface BrowserRouteDeps {
  directory: DirectoryStore;
  sessions: SessionAuthority;
  clientId: string;
  /** Whether a `redirect_uri` / `return_to` may be redirected to. */
  isAllowedRedirect(uri: string): boolean;
  /** Sign in `login_hint` without showing the page. */
  autoApprove(): boolean;
}

/** Query parameters of the authorize URL that the page carries through its form. */
const CARRIED = ['client_id', 'redirect_uri', 'response_type', 'state', 'provider', 'connection_id', 'organization_id', 'code_challenge', 'code_challenge_method', 'login_hint', 'screen_hint', 'domain_hint', 'prompt'];

export function browserRoutes(deps: BrowserRouteDeps): RouteDefinition[] {
  const { directory, sessions } = deps;

  /** Checks client and redirect URI; a bad one gets a 400 page (never a redirect). */
  const checkClient = (params: Record<string, string | undefined>): string => {
    if (params.client_id !== deps.clientId) throw htmlError(400, `Unknown client_id '${params.client_id ?? ''}'.`);
    const redirectUri = params.redirect_uri;
    if (!redirectUri || !deps.isAllowedRedirect(redirectUri)) {
      throw htmlError(400, `redirect_uri '${redirectUri ?? ''}' is not in the allow-list of this client.`);
    }
    if ((params.response_type ?? 'code') !== 'code') throw htmlError(400, "response_type must be 'code'.");
    if (params.code_challenge !== undefined && (params.code_challenge_method ?? 'plain') !== 'S256') {
      throw htmlError(400, "code_challenge_method must be 'S256'.");
    }
    return redirectUri;
  };

  const approve = (params: Record<string, string | undefined>, redirectUri: string, userId: string, organizationId: string | undefined): Reply => {
    const code = sessions.issueCode({
      userId,
      ...(organizationId !== undefined && { organizationId }),
      ...(params.code_challenge !== undefined && { codeChallenge: params.code_challenge }),
      authenticationMethod: 'Password',
    });
    return redirect(withQuery(redirectUri, { code, state: params.state }));
  };

  return [
    route(
      'authorize',
      'GET /user_management/authorize',
      (ctx) => {
        const params = Object.fromEntries(CARRIED.map((key) => [key, queryParam(ctx.query, key)]));
        const redirectUri = checkClient(params);
        if (deps.autoApprove() && params.login_hint) {
          const user = directory.findUserByEmail(params.login_hint);
          if (user) return approve(params, redirectUri, user.id, params.organization_id);
        }
        return { status: 200, contentType: 'text/html; charset=utf-8', body: loginPage(params, directory) };
      },
      'public',
    ),

    route(
      'authorize.submit',
      'POST /user_management/authorize',
      (ctx) => {
        const params = Object.fromEntries(CARRIED.map((key) => [key, optionalString(ctx.body, key) || undefined]));
        const redirectUri = checkClient(params);
        if (ctx.body.action === 'cancel') {
          return redirect(
            withQuery(redirectUri, { error: 'access_denied', error_description: 'The user cancelled the sign-in.', state: params.state }),
          );
        }
        const userId = requiredString(ctx.body, 'user_id');
        if (!directory.getUser(userId)) throw htmlError(400, `Unknown user '${userId}'.`);
        const organizationId = optionalString(ctx.body, 'selected_organization_id') || undefined;
        try {
          return approve(params, redirectUri, userId, organizationId);
        } catch (error) {
          if (error instanceof EmulatorApiError) throw htmlError(400, error.message);
          throw error;
        }
      },
      'public',
    ),

    route(
      'sessions.logout',
      'GET /user_management/sessions/logout',
      (ctx) => {
        const sessionId = queryParam(ctx.query, 'session_id');
        const returnTo = queryParam(ctx.query, 'return_to');
        if (returnTo !== undefined && !deps.isAllowedRedirect(returnTo)) {
          throw htmlError(400, `return_to '${returnTo}' is not in the allow-list of this client.`);
        }
        if (sessionId !== undefined) sessions.end(sessionId, 'logged_out');
        if (returnTo === undefined) return { status: 200, contentType: 'text/html; charset=utf-8', body: page('Signed out', '<p>You are signed out.</p>') };
        return redirect(returnTo);
      },
      'public',
    ),

    route('sessions.revoke', 'POST /user_management/sessions/revoke', (ctx) => {
      const sessionId = requiredString(ctx.body, 'session_id');
      if (!sessions.end(sessionId, 'revoked')) throw notFound('Session', sessionId);
      return { status: 200, body: {} };
    }),
  ];
}

function redirect(location: string): Reply {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' } };
}

function withQuery(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

function htmlError(status: number, message: string): EmulatorApiError {
  const error = new EmulatorApiError(status, { code: 'invalid_request', message });
  (error as EmulatorApiError & { html?: string }).html = page('Sign-in error', `<p data-testid="login-error">${escapeHtml(message)}</p>`);
  return error;
}

function loginPage(params: Record<string, string | undefined>, directory: DirectoryStore): string {
  const hidden = Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `<input type="hidden" name="${key}" value="${escapeHtml(value ?? '')}">`)
    .join('');
  const rows = directory
    .listUsers()
    .map((user) => {
      const label = escapeHtml(user.name ? `${user.name} <${user.email}>` : user.email);
      const orgButtons = directory
        .listMemberships({ userId: user.id, statuses: ['active'] })
        .map(
          (membership) =>
            `<button type="submit" name="selected_organization_id" value="${escapeHtml(membership.organizationId)}" ` +
            `data-testid="login-user-${escapeHtml(user.id)}-org-${escapeHtml(membership.organizationId)}">` +
            `in ${escapeHtml(membership.organizationName ?? membership.organizationId)}</button>`,
        )
        .join(' ');
      return (
        `<li><form method="post" action="/user_management/authorize">${hidden}` +
        `<input type="hidden" name="user_id" value="${escapeHtml(user.id)}">` +
        `<button type="submit" data-testid="login-user-${escapeHtml(user.id)}" data-email="${escapeHtml(user.email)}">Continue as ${label}</button> ${orgButtons}` +
        `</form></li>`
      );
    })
    .join('');
  const cancel =
    `<form method="post" action="/user_management/authorize">${hidden}` +
    `<button type="submit" name="action" value="cancel" data-testid="login-cancel">Cancel</button></form>`;
  return page(
    'Sign in — WorkOS emulator',
    `<h1>Sign in</h1><p>WorkOS emulator: choose a seeded user.</p>` +
      (rows ? `<ul data-testid="login-users">${rows}</ul>` : '<p data-testid="login-no-users">No users are seeded.</p>') +
      cancel,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto}li{margin:.5rem 0;list-style:none}button{padding:.4rem .8rem}</style>` +
    `</head><body data-testid="workos-emulator-page">${body}</body></html>`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
