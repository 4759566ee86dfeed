import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'harness/**/*.test.ts', 'integrations/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Polls wait on servers and a browser on a shared 2-core machine: give them room.
    expect: { poll: { timeout: 10_000 } },
  },
});
