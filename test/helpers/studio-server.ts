/**
 * Mastra Studio's built UI (from the `mastra` CLI package, `dist/studio`) served by the same Hono
 * app as a real Mastra server, so Studio and the API share one loopback origin: the SSO callback's
 * relative redirect lands back in Studio and `SameSite=Lax` cookies just work. This is what
 * `mastra studio` does, minus its separate port.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import type { Mastra } from '@mastra/core/mastra';
import { startMastraServer } from '../../src/testing';

export interface RunningStudio {
  /** `http://127.0.0.1:<port>`: Studio at `/`, the API at `/api`. */
  readonly baseUrl: string;
  readonly port: number;
  /** Version of the `mastra` package whose Studio is served. */
  readonly studioVersion: string;
  stop(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.html': 'text/html; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Where the `mastra` package keeps Studio, and its version. */
export function locateStudio(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('mastra/package.json');
  const { version } = require(packageJson) as { version: string };
  return { dir: join(dirname(packageJson), 'dist', 'studio'), version };
}

/** `index.html` with the placeholders `mastra studio` fills, pointed at this origin. */
function renderIndex(template: string, origin: URL): string {
  const values: Record<string, string> = {
    MASTRA_STUDIO_BASE_PATH: '',
    MASTRA_SERVER_HOST: origin.hostname,
    MASTRA_SERVER_PORT: origin.port,
    MASTRA_SERVER_PROTOCOL: origin.protocol.replace(':', ''),
    MASTRA_API_PREFIX: '/api',
    MASTRA_TELEMETRY_DISABLED: 'true',
    MASTRA_DEV_SERVER_INSTANCE_ID: '',
    MASTRA_HIDE_CLOUD_CTA: 'true',
    MASTRA_CLOUD_API_ENDPOINT: '',
    MASTRA_EXPERIMENTAL_FEATURES: 'false',
    MASTRA_TEMPLATES: 'false',
    MASTRA_AUTO_DETECT_URL: 'false',
    MASTRA_REQUEST_CONTEXT_PRESETS: '',
    MASTRA_EXPERIMENTAL_UI: 'false',
    MASTRA_AGENT_SIGNALS: 'false',
    MASTRA_SIGNALS_UI: 'false',
    MASTRA_ORGANIZATION_ID: '',
    MASTRA_PLATFORM_PROJECT_ID: '',
    MASTRA_PLATFORM_OBSERVABILITY_ENDPOINT: '',
  };
  return template.replace(/%%([A-Z_]+)%%/g, (whole, name: string) => values[name] ?? '');
}

/** Serves `mastra`'s API and Studio on one loopback port (0 = random). Always `await stop()`. */
export async function startStudio(mastra: Mastra, options: { port?: number; hostname?: string } = {}): Promise<RunningStudio> {
  const hostname = options.hostname ?? '127.0.0.1';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)) throw new Error(`startStudio: refusing to listen on '${hostname}'.`);
  const studio = locateStudio();
  const template = await readFile(join(studio.dir, 'index.html'), 'utf8');

  const server = await startMastraServer(mastra, {
    hostname,
    ...(options.port !== undefined && { port: options.port }),
    configure: (app) => {
      // Studio's dev-server hooks: no hot reload here.
      app.get('/refresh-events', (c) => c.body(null, 204));
      app.get('*', async (c) => {
        const url = new URL(c.req.url);
        if (url.pathname.startsWith('/api/')) return c.json({ error: 'Not Found' }, 404);
        const extension = extname(url.pathname);
        if (extension && extension !== '.html') {
          const file = normalize(join(studio.dir, decodeURIComponent(url.pathname)));
          if (!file.startsWith(studio.dir + sep)) return c.body(null, 404);
          try {
            const body = await readFile(file);
            return c.body(body, 200, {
              'Content-Type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
              'Cache-Control': url.pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
            });
          } catch {
            return c.body(null, 404);
          }
        }
        return c.html(renderIndex(template, url));
      });
    },
  });
  return { baseUrl: server.baseUrl, port: server.port, studioVersion: studio.version, stop: () => server.stop() };
}
