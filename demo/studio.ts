/**
 * `npm run studio`: sign into Mastra Studio with WorkOS, offline, in your own browser.
 *
 * Starts the WorkOS emulator (its hosted login page lists the seeded users) and one Mastra server
 * that also serves Studio's UI (from the `mastra` package), both on 127.0.0.1, then prints the URL.
 * Open it, click "Sign in", pick a user, and you are in Studio with a sealed `wos_session` cookie.
 * Ctrl-C stops everything.
 *
 * Environment: PORT (default 4111; 0 picks a free one), WORKOS_COOKIE_PASSWORD (optional; a
 * random one is generated per run otherwise, so sessions end when this stops), TOKEN_TTL (access
 * token lifetime in seconds, default 300: set 30 to watch transparent refreshes happen).
 */
import { Mastra } from '@mastra/core/mastra';
import { MastraAuthWorkos } from '../src';
import { startWorkOSEmulator } from '../src/testing';
import { createMockAgent } from '../test/helpers/mock-agent';
import { startStudio } from '../test/helpers/studio-server';

async function main(): Promise<void> {
  process.env.MASTRA_TELEMETRY_DISABLED ??= 'true';
  const port = Number(process.env.PORT ?? 4111);
  const ttl = Number(process.env.TOKEN_TTL ?? 300);
  const emu = await startWorkOSEmulator({ tokenTtlSeconds: ttl });

  const acme = emu.createOrganization({ name: 'Acme Inc.' });
  const users = [
    emu.createUser({ email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace', emailVerified: true }),
    emu.createUser({ email: 'grace@acme.test', firstName: 'Grace', lastName: 'Hopper', emailVerified: true }),
  ];
  emu.createMembership({ userId: users[0]!.id, organizationId: acme.id, role: 'admin' });
  emu.createMembership({ userId: users[1]!.id, organizationId: acme.id, role: 'member' });

  // The upstream-style configuration; only the connection points at the emulator.
  const auth = new MastraAuthWorkos({
    ...emu.connection,
    ...(process.env.WORKOS_COOKIE_PASSWORD && { session: { cookiePassword: process.env.WORKOS_COOKIE_PASSWORD } }),
  });
  const mastra = new Mastra({
    agents: { weatherAgent: createMockAgent({ id: 'weatherAgent', reply: (ctx) => `Sunny, ${(ctx.get('user') as { name?: string } | undefined)?.name ?? 'stranger'}.` }) },
    logger: false,
    server: { auth },
  });
  const studio = await startStudio(mastra, { port });

  console.log(`
Mastra Studio ${studio.studioVersion} with WorkOS sign-in (emulated WorkOS at ${emu.baseUrl})

  Open  ${studio.baseUrl}/

Seeded users (pick one on the emulator's login page):
${users.map((u) => `  - ${u.name} <${u.email}>  ${u.id}`).join('\n')}
Organization: ${acme.name} (${acme.id})
Access tokens live ${ttl} s; the session cookie refreshes them transparently.

Ctrl-C to stop.`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await studio.stop();
    await emu.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
