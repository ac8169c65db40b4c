/**
 * `npm run demo`: the seed page's setup, end to end and offline.
 *
 * Starts the WorkOS emulator and real Mastra servers on 127.0.0.1, signs a user in with the
 * authorization-code flow, calls the agent with `@mastra/client-js` and with a curl-style request,
 * then shows what is refused. Exits 0 when every expectation holds, 1 otherwise. Imports use
 * relative `../src` paths because the package is not built in development; an app imports
 * `@mastra/auth-workos` and `@mastra/auth-workos/testing` instead.
 */
import { MastraClient } from '@mastra/client-js';
import { registerApiRoute } from '@mastra/core/server';
import { MastraAuthWorkos, MastraFGAWorkos, WorkOSAdminPortal, WorkOSAuditExporter, WorkOSDirectorySync } from '../src';
import { startWorkOSEmulator } from '../src/testing';
import { AdminOnlyWorkosAuth } from './admin-only-auth';
import { DemoReport } from './report';
import { seedAuthorization, seedDirectory } from './seed';
import { startDemoServer } from './server';

/** Well over the ~10 s the demo needs on 2 cores; a hang must not hold a terminal or CI forever. */
const DEADLINE_MS = 50_000;

interface GenerateAnswer {
  status: number;
  /** The agent's text on success, the server's error message otherwise. */
  message: string;
}

/** The seed page's curl, as a fetch: POST /api/agents/weatherAgent/generate. */
async function curlGenerate(baseUrl: string, token: string | undefined, agentId = 'weatherAgent'): Promise<GenerateAnswer> {
  const response = await fetch(`${baseUrl}/api/agents/${agentId}/generate`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(token !== undefined && { Authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ messages: 'Weather in London' }),
  });
  const body = (await response.json().catch(() => ({}))) as { text?: unknown; error?: unknown };
  return { status: response.status, message: String(body.text ?? body.error ?? '') };
}

function formatAnswer(answer: GenerateAnswer): string {
  return `${answer.status}  ${JSON.stringify(answer.message)}`;
}

async function main(report: DemoReport, cleanups: Array<() => Promise<void>>): Promise<void> {
  report.title('@mastra/auth-workos demo: WorkOS emulator + real Mastra server, all on 127.0.0.1');

  const emu = await startWorkOSEmulator();
  cleanups.push(() => emu.stop());
  const directory = seedDirectory(emu);
  const { org, admin, member } = directory;
  report.info('WorkOS emulator', emu.baseUrl);
  report.info('seeded', `org "${org.name}", admin ${admin.email}, member ${member.email}`);

  const server = await startDemoServer(new MastraAuthWorkos({ ...emu.connection, fetchMemberships: true }));
  cleanups.push(() => server.stop());
  report.info('Mastra server (MastraAuthWorkos)', `${server.baseUrl}  agents: weatherAgent, vaultAgent`);

  // The client flow as the seed page writes it: the app's backend exchanges the AuthKit code for
  // tokens, and the browser or script calls Mastra with the access token.
  const workos = emu.createWorkOSClient();
  const signIn = async (userId: string) => {
    const code = emu.issueAuthorizationCode({ userId, organizationId: org.id });
    return workos.userManagement.authenticateWithCode({ code, clientId: emu.clientId });
  };

  report.section('Client flow (seed page: "client-side setup")');
  let accessToken = '';
  await report.step('workos.userManagement.authenticateWithCode', async () => {
    const session = await signIn(admin.id);
    accessToken = session.accessToken;
    return { ok: session.user.id === admin.id && accessToken !== '', detail: `signed in ${session.user.email}, got an access token` };
  });

  await report.step('MastraClient getAgent(weatherAgent).generate', async () => {
    const client = new MastraClient({ baseUrl: server.baseUrl, headers: { Authorization: `Bearer ${accessToken}` } });
    const response = await client.getAgent('weatherAgent').generate("What's the weather like in Nairobi");
    return { ok: response.text.includes(admin.firstName ?? '?'), detail: `200  ${JSON.stringify(response.text)}` };
  });

  await report.step('curl POST /api/agents/weatherAgent/generate', async () => {
    const answer = await curlGenerate(server.baseUrl, accessToken);
    return { ok: answer.status === 200 && answer.message.includes('°C'), detail: formatAnswer(answer) };
  });

  report.section('Refused requests');
  await report.step('no Authorization header → 401', async () => {
    const answer = await curlGenerate(server.baseUrl, undefined);
    return { ok: answer.status === 401, detail: formatAnswer(answer) };
  });

  await report.step('forged token (foreign key, claims admin) → 401', async () => {
    const forged = await emu.mintAccessToken({ sub: admin.id, org_id: org.id, role: 'admin', signWith: 'foreign' });
    const answer = await curlGenerate(server.baseUrl, forged);
    return { ok: answer.status === 401, detail: formatAnswer(answer) };
  });

  report.section('Custom authorization (seed page: AdminOnlyWorkosAuth)');
  const adminOnly = await startDemoServer(new AdminOnlyWorkosAuth({ ...emu.connection, fetchMemberships: true }));
  cleanups.push(() => adminOnly.stop());
  report.info('Mastra server (AdminOnlyWorkosAuth)', adminOnly.baseUrl);

  await report.step(`member ${member.email} → 403`, async () => {
    const answer = await curlGenerate(adminOnly.baseUrl, (await signIn(member.id)).accessToken);
    return { ok: answer.status === 403, detail: formatAnswer(answer) };
  });

  await report.step(`admin ${admin.email} → 200`, async () => {
    const answer = await curlGenerate(adminOnly.baseUrl, (await signIn(admin.id)).accessToken);
    return { ok: answer.status === 200, detail: formatAnswer(answer) };
  });

  report.section('Fine-grained authorization (MastraFGAWorkos, WorkOS Authorization API)');
  seedAuthorization(emu, directory);
  const withFga = await startDemoServer(
    new MastraAuthWorkos({ ...emu.connection, fetchMemberships: true }),
    new MastraFGAWorkos({ ...emu.connection }),
  );
  cleanups.push(() => withFga.stop());
  report.info('Mastra server (auth + fga)', `${withFga.baseUrl}  member holds agent-runner on weatherAgent only`);
  const memberToken = (await signIn(member.id)).accessToken;

  await report.step(`member ${member.email} → weatherAgent → 200`, async () => {
    const answer = await curlGenerate(withFga.baseUrl, memberToken, 'weatherAgent');
    return { ok: answer.status === 200, detail: formatAnswer(answer) };
  });

  await report.step(`member ${member.email} → vaultAgent → 403`, async () => {
    const answer = await curlGenerate(withFga.baseUrl, memberToken, 'vaultAgent');
    return { ok: answer.status === 403, detail: formatAnswer(answer) };
  });

  report.section('Directory Sync: the IdP removes a user, the webhook revokes access at once');
  const webhookSecret = 'whsec_demo_directory_sync';
  emu.setWebhookSecret(webhookSecret);
  const oktaDirectory = emu.createDirectory({ organizationId: org.id, name: 'Acme Okta' });
  const carol = emu.createUser({ email: 'carol@acme.test', firstName: 'Carol', lastName: 'Shaw' });
  emu.createMembership({ userId: carol.id, organizationId: org.id, role: 'member' });
  const carolInDirectory = emu.createDirectoryUser({ directoryId: oktaDirectory.id, email: carol.email, firstName: 'Carol' });
  const dsyncAuth = new MastraAuthWorkos({ ...emu.connection, fetchMemberships: true });
  const directorySync = new WorkOSDirectorySync(dsyncAuth.getWorkOS(), { webhookSecret, handlers: {}, invalidate: [dsyncAuth] });
  const withWebhook = await startDemoServer(dsyncAuth, undefined, [
    registerApiRoute('/webhooks/workos', { method: 'POST', requiresAuth: false, handler: (c) => directorySync.handleRequest(c.req.raw) }),
  ]);
  cleanups.push(() => withWebhook.stop());
  const webhookUrl = `${withWebhook.baseUrl}/webhooks/workos`;
  report.info('Mastra server (auth + POST /webhooks/workos)', withWebhook.baseUrl);
  const carolToken = (await signIn(carol.id)).accessToken;

  await report.step(`${carol.email} (directory user) → 200`, async () => {
    const answer = await curlGenerate(withWebhook.baseUrl, carolToken);
    return { ok: answer.status === 200, detail: formatAnswer(answer) };
  });

  await report.step('forged dsync.user.deleted (wrong secret) → 401', async () => {
    const data = emu.directoryEventData('dsync.user.deleted', { user: carolInDirectory });
    const [delivery] = await emu.sendWebhook(webhookUrl, 'dsync.user.deleted', data, { secret: 'whsec_attacker' });
    const still = await curlGenerate(withWebhook.baseUrl, carolToken);
    return { ok: delivery?.status === 401 && still.status === 200, detail: `${delivery?.status}  (${carol.email} still → ${still.status})` };
  });

  let webhookSentAt = 0;
  await report.step('signed dsync.user.deleted → 200', async () => {
    const gone = emu.deleteDirectoryUser(carolInDirectory.id); // also deletes the AuthKit user
    webhookSentAt = performance.now();
    const [delivery] = await emu.sendWebhook(webhookUrl, 'dsync.user.deleted', emu.directoryEventData('dsync.user.deleted', { user: gone }));
    return { ok: delivery?.status === 200, detail: `${delivery?.status}  ${delivery?.responseBody ?? ''}` };
  });

  await report.step(`${carol.email}, same unexpired token → 401`, async () => {
    const answer = await curlGenerate(withWebhook.baseUrl, carolToken);
    const elapsed = (performance.now() - webhookSentAt).toFixed(0);
    return { ok: answer.status === 401, detail: `${formatAnswer(answer)}  (${elapsed} ms after the webhook, no TTL wait)` };
  });

  report.section('Admin Portal and audit export');
  await report.step('Admin Portal link (intent dsync)', async () => {
    const link = await new WorkOSAdminPortal(workos, { returnUrl: 'https://app.acme.test/settings' }).getPortalLink(org.id, 'dsync');
    return { ok: link.includes('/portal/launch'), detail: link.replace(/secret=.*/, 'secret=…') };
  });

  await report.step('audit event → WorkOS Audit Logs', async () => {
    const audit = new WorkOSAuditExporter(workos, { organizationId: org.id });
    await audit.exportEvent({
      id: 'demo_evt_1',
      createdAt: new Date(),
      action: 'directory.user.deprovisioned',
      actor: { type: 'system', id: 'workos-directory-sync' },
      resource: { type: 'user', id: carol.id, name: carol.email },
      outcome: 'success',
    });
    const stored = emu.auditEvents.at(-1);
    return { ok: stored?.idempotencyKey === 'demo_evt_1', detail: `stored ${String(stored?.event.action)} (Idempotency-Key ${stored?.idempotencyKey})` };
  });

  report.section('WorkOS traffic (keys and users are cached per provider)');
  report.info(
    'emulator calls',
    (['authenticate', 'jwks', 'getUser', 'listOrganizationMemberships', 'authorization.check'] as const)
      .map((route) => `${route} ${emu.callCount(route)}`)
      .join(', '),
  );
}

async function run(): Promise<number> {
  const report = new DemoReport();
  const cleanups: Array<() => Promise<void>> = [];
  const deadline = setTimeout(() => {
    console.error(`\nDemo FAILED: still running after ${DEADLINE_MS / 1000} s.`);
    process.exit(2);
  }, DEADLINE_MS);
  deadline.unref();
  try {
    await main(report, cleanups);
  } catch (error) {
    report.check('demo ran to the end', false, error instanceof Error ? (error.stack ?? error.message) : String(error));
  } finally {
    // Stop in reverse order of start, whatever happened above.
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    clearTimeout(deadline);
  }
  report.verdict();
  return report.failed === 0 ? 0 : 1;
}

process.exitCode = await run();
