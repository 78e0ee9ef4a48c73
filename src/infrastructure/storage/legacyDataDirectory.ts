/**
 * Before SQLite, the embedded default was PGlite (PostgreSQL in WebAssembly) in the directory
 * `./data/bot`. Such a directory holds `PG_VERSION`. The project had no release, so nothing in it
 * needs keeping; the bot says what it is instead of failing on it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function isPostgresDataDirectory(path: string): boolean {
  return existsSync(join(path, 'PG_VERSION'));
}

export class LegacyDataDirectoryError extends Error {
  constructor(path: string) {
    super(
      `DATABASE_URL names ${path}, a data directory of the embedded PostgreSQL (PGlite) that earlier versions used. ` +
        'The embedded database is now one SQLite file: set DATABASE_URL to a file such as ./data/bot.sqlite ' +
        '(or leave it unset). That directory is no longer read and can be deleted.',
    );
    this.name = 'LegacyDataDirectoryError';
  }
}

/** Old data directories next to the SQLite file (the old default sat at ./data/bot). */
export function legacyDataDirectoriesBeside(file: string): string[] {
  const parent = dirname(file);
  if (!existsSync(parent)) return [];
  const found = isPostgresDataDirectory(parent) ? [parent] : [];
  for (const entry of readdirSync(parent)) {
    const path = join(parent, entry);
    try {
      if (statSync(path).isDirectory() && isPostgresDataDirectory(path)) found.push(path);
    } catch {
      // A dangling link or an unreadable entry is none of ours.
    }
  }
  return found;
}

export function legacyNotice(directory: string): string {
  return (
    `${directory} is a data directory of the embedded PostgreSQL (PGlite) that earlier versions used. ` +
    'The embedded database is now one SQLite file, so that directory is no longer read and can be deleted.'
  );
}
