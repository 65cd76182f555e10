import { defineConfig } from 'vitest/config';

// Browser tests: Debian's Chromium driven by playwright-core (`npm run test:e2e`).
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 180_000,
  },
});
