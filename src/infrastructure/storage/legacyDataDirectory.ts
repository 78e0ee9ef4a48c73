/**
 * Before SQLite, the embedded default was PGlite (PostgreSQL in WebAssembly) in the directory
 * `./data/bot`. Such a directory holds `PG_VERSION`. The project had no release, so nothing in it
 * needs keeping; the bot says what it is instead of failing on it.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export function isPostgresDataDirectory(path: string): boolean {
  return existsSync(join(path, 'PG_VERSION'));
}

export class LegacyDataDirectoryError extends Error {
  constructor(path: string) {
    super(
      `DATABASE_URL names ${path}, a PostgreSQL data directory such as the embedded PGlite of earlier versions left. ` +
        'The embedded database is now one SQLite file: set DATABASE_URL to a file such as ./data/bot.sqlite ' +
        '(or leave it unset). If that directory was the bot\'s, nothing in it is needed and it can be deleted.',
    );
    this.name = 'LegacyDataDirectoryError';
  }
}

/**
 * The old data directory where the old default put it: beside the SQLite file, under the file's
 * name without its extension (./data/bot for ./data/bot.sqlite). Only that one place is looked at,
 * so an unrelated PostgreSQL data directory is never called deletable.
 */
export function legacyDataDirectoryBeside(file: string): string | undefined {
  const candidate = join(dirname(file), basename(file, extname(file)));
  if (candidate === file) return undefined;
  try {
    return statSync(candidate).isDirectory() && isPostgresDataDirectory(candidate) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

export function legacyNotice(directory: string): string {
  return (
    `${directory} is a data directory of the embedded PostgreSQL (PGlite) that earlier versions used. ` +
    'The embedded database is now one SQLite file, so that directory is no longer read and can be deleted.'
  );
}
