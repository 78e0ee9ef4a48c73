/**
 * The environment of the processes tests start (the bot, npm) besides their settings: PATH, and
 * Node's compile cache in a folder every such process shares, so the bot's sources are compiled
 * (types stripped, parsed) once rather than at each start: about half of a start's CPU time. The
 * cache is keyed by each file's content, so a changed source is compiled again.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const COMPILE_CACHE = join(tmpdir(), 'agent-actions-test-compile-cache');

export function childEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', NODE_COMPILE_CACHE: COMPILE_CACHE };
}
