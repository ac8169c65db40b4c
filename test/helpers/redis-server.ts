/**
 * A real `redis-server` (the Debian package) for tests and the bench: loopback only, a random free
 * port, no persistence (no RDB, no AOF, no files written), stopped by `stop()`. Can be stopped and
 * started again on the same port, or paused (SIGSTOP) to play a Redis that hangs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops the server (SIGTERM, waits for the exit). Safe to call twice. */
  stop(): Promise<void>;
  /** Stops the process only (Redis is down); {@link restart} brings it back. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing was persisted). */
  restart(): Promise<void>;
  /** SIGSTOP: the port stays open but nothing answers (a hung or overloaded Redis). */
  pause(): void;
  /** SIGCONT after {@link pause}. */
  resume(): void;
}

/** Whether `redis-server` is on the PATH. */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * `describe` when redis-server is installed; under `CI` a missing redis-server is a failure, not a
 * skip (CI installs it: see .ci/run).
 */
export function requireRedisInCI(): boolean {
  const installed = redisServerInstalled();
  if (!installed && process.env.CI) throw new Error('redis-server is not installed, and CI must run the Redis tests (.ci/run installs it).');
  return installed;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--dir', dir,
      '--daemonize', 'no',
      '--protected-mode', 'yes',
      '--loglevel', 'notice',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${String(code)}) before it was ready: ${output.slice(-500)}`)));
  });
}

export async function startRedisServer(): Promise<RunningRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  let port = 0;
  let child: ChildProcess | undefined;
  for (let attempt = 0; attempt < 5 && !child; attempt += 1) {
    port = await freePort();
    try {
      child = await launch(port, dir);
    } catch (error) {
      if (attempt === 4) throw error;
    }
  }

  const stopChild = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    running.kill('SIGCONT');
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
  };

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopChild();
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await stopChild();
    },
    async restart() {
      await stopChild();
      child = await launch(port, dir);
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
  };
}
