import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two files at a time: most of a file's time is spent waiting (timeouts, Retry-After, a bot
    // process starting or draining), not computing, so a second file fills those waits. Each worker
    // has its own process (ports come from the OS, databases have random names, env changes stay
    // in their process).
    fileParallelism: true,
    maxWorkers: 2,
    // Each worker runs its files in turn instead of a new process per file: spawning it and
    // importing the bot's modules again took about 0.8 s per file (128 files). The files keep no
    // state in modules: each starts its own bot, stand-ins and databases, and closes them.
    isolate: false,
  },
});
