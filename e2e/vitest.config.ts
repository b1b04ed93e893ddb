import { defineConfig } from 'vitest/config';

// Browser flows share one server and one Chromium; they run in order, one file at a time.
export default defineConfig({
  test: {
    include: ['**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    reporters: ['default'],
  },
});
