import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real HTTP servers on loopback: two worker processes for 2 cores. Files share a
    // worker's module cache (no re-import of @mastra/core per file: ~25 s of a run); every file
    // starts and stops its own servers and restores what it changes in process.env.
    pool: 'forks',
    maxWorkers: 2,
    isolate: false,
  },
});
