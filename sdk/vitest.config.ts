import { defineConfig } from 'vitest/config';

// The tests drive the real server (server/test/context.ts) over a real port, so they share its global setup:
// one migrated database per run (PGlite snapshot, or a PostgreSQL template with TEST_DB=postgres).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['../server/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
