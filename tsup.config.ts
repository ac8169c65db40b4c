import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts', 'redis/index': 'src/store/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node22',
  splitting: false,
  treeshake: true,
  // Peer and runtime dependencies stay external: users get one copy of each.
  external: ['@mastra/core', '@workos-inc/node', 'jose', 'ioredis', '@mastra/hono', 'hono', '@hono/node-server'],
});
