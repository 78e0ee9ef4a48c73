import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers on loopback; running files in parallel
    // on a 2-core machine only makes them flaky.
    fileParallelism: false,
    // One worker runs every file in turn instead of a new process per file: spawning it and
    // importing the bot's modules again took about 0.8 s per file (128 files). The files keep no
    // state in modules: each starts its own bot, stand-ins and databases, and closes them.
    isolate: false,
  },
});
