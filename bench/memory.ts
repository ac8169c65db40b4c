/**
 * Memory of one provider after many distinct users: the provider runs alone in a child process;
 * this process creates users in the emulator, mints one token per user and streams them over in
 * batches. The next batch is minted while the child works on the current one, and users of a
 * finished batch are deleted from the emulator (they are in the provider's cache by then), which
 * keeps the emulator small.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { WorkOSEmulator } from '../src/testing';
import { ChildLink } from './child';
import type { MemoryChildMessage, MemoryParentMessage, MemoryReading } from './memory-child';

export interface MemoryOptions {
  users: number;
  batchSize: number;
}

export interface MemoryCheckpoint extends MemoryReading {
  users: number;
}

export interface MemoryResult {
  users: number;
  authenticated: number;
  before: MemoryReading;
  checkpoints: MemoryCheckpoint[];
  after: MemoryReading;
  peakRssBytes: number;
}

interface Batch {
  userIds: string[];
  tokens: string[];
}

async function prepareBatch(emu: WorkOSEmulator, first: number, size: number): Promise<Batch> {
  const userIds: string[] = [];
  const tokens: string[] = [];
  for (let i = first; i < first + size; i += 1) {
    const user = emu.createUser({ email: `rss-${i}@bench.test`, firstName: 'Rss', lastName: String(i) });
    userIds.push(user.id);
    tokens.push(await emu.mintAccessToken({ sub: user.id }));
    // Signing is synchronous CPU work: let the emulator answer the child's getUser calls meanwhile.
    if (i % 16 === 0) await yieldToEventLoop();
  }
  return { userIds, tokens };
}

export async function measureMemory(emu: WorkOSEmulator, options: MemoryOptions): Promise<MemoryResult> {
  const child = ChildLink.fork<MemoryParentMessage, MemoryChildMessage>(new URL('./memory-child.ts', import.meta.url), ['--expose-gc']);
  try {
    const { reading: before } = await child.request({ type: 'start', connection: emu.connection }, 'ready');
    const checkpoints: MemoryCheckpoint[] = [];
    let authenticated = 0;
    let peakRssBytes = before.rssBytes;
    let next: Promise<Batch> | undefined = prepareBatch(emu, 0, Math.min(options.batchSize, options.users));
    for (let first = 0; next !== undefined; first += options.batchSize) {
      const batch: Batch = await next;
      const done = child.request({ type: 'batch', tokens: batch.tokens }, 'batch_done');
      const following = first + options.batchSize;
      next = following < options.users ? prepareBatch(emu, following, Math.min(options.batchSize, options.users - following)) : undefined;
      const [result] = await Promise.all([done, next]);
      for (const userId of batch.userIds) emu.deleteUser(userId);
      authenticated += result.authenticated;
      peakRssBytes = Math.max(peakRssBytes, result.reading.rssBytes);
      checkpoints.push({ users: first + batch.tokens.length, ...result.reading });
    }
    const after = checkpoints.at(-1) ?? { users: 0, ...before };
    return { users: options.users, authenticated, before, checkpoints, after, peakRssBytes };
  } finally {
    await child.stop({ type: 'stop' });
  }
}
