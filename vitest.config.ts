import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Tests start real HTTP servers on loopback; keep files isolated but bounded for 2 cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
