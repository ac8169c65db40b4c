/**
 * Child process of the memory benchmark: one `MastraAuthWorkos` with default caches and nothing
 * else, so its RSS is the provider's (the emulator and the minted tokens live in the parent).
 * The parent streams batches of tokens over IPC; each batch is authenticated (bounded
 * concurrency) and dropped. Run with `--expose-gc` so readings can be taken after a full GC.
 */
import { noopLogger } from '@mastra/core/logger';
import { MastraAuthWorkos, type MastraAuthWorkosStats } from '../src';
import type { WorkOSEmulatorConnection } from '../src/testing';
import { mapConcurrent } from './measure';

export type MemoryParentMessage =
  | { type: 'start'; connection: WorkOSEmulatorConnection }
  | { type: 'batch'; tokens: string[] }
  | { type: 'stop' };

export interface MemoryReading {
  rssBytes: number;
  heapUsedBytes: number;
  stats: MastraAuthWorkosStats;
}

export type MemoryChildMessage =
  | { type: 'ready'; reading: MemoryReading }
  | { type: 'batch_done'; authenticated: number; rejected: number; reading: MemoryReading }
  | { type: 'error'; message: string };

let provider: MastraAuthWorkos | undefined;

function reading(): MemoryReading {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed, stats: provider!.getStats() };
}

function send(message: MemoryChildMessage): void {
  process.send?.(message);
}

process.on('message', (message: MemoryParentMessage) => {
  void (async () => {
    try {
      if (message.type === 'start') {
        provider = new MastraAuthWorkos({ ...message.connection, logger: noopLogger });
        send({ type: 'ready', reading: reading() });
      } else if (message.type === 'batch' && provider) {
        const auth = provider;
        const users = await mapConcurrent(message.tokens, 32, (token) => auth.authenticateToken(token));
        const authenticated = users.filter((user) => user !== null).length;
        send({ type: 'batch_done', authenticated, rejected: users.length - authenticated, reading: reading() });
      } else if (message.type === 'stop') {
        process.disconnect?.();
      }
    } catch (error) {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
