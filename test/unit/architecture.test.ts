/**
 * The layers' dependencies point inward. This test reads every import in src/ and fails when one
 * points the wrong way, so the architecture stays visible as the code grows.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const fromClauses = [...source.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/gm)];
  const dynamic = [...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return [...fromClauses, ...dynamic].map((m) => m[1] as string);
}

function layerOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? (rel.split('/')[0] as string) : rel;
}

/** For each layer, the layers (and packages) it must never import. */
const FORBIDDEN: Record<string, RegExp[]> = {
  core: [/^\.\.\/(actions|agentAuth|connectors|slack|web|infrastructure)\//, /^@slack\//, /^@scalekit-sdk\//],
  actions: [/\/(slack|web|infrastructure)\//, /^@slack\//, /^@scalekit-sdk\//, /scalekit\//],
  agentAuth: [/\/(actions|slack|web|connectors)\//, /^@slack\//],
  connectors: [/\/(actions|slack|web|agentAuth)\//, /^@slack\//, /^@scalekit-sdk\//],
  slack: [/\/(web|infrastructure\/storage)\//, /^@scalekit-sdk\//, /\/agentAuth\/scalekit\//],
  web: [/\/(slack|infrastructure\/storage)\//, /^@slack\/web-api/, /^@scalekit-sdk\//],
  infrastructure: [/\/(slack|web|connectors)\//, /^@slack\//],
};

/** Every import circle among src/ files, each as the path that closes it (`a.ts -> b.ts -> a.ts`). */
function importCircles(files: string[]): string[] {
  const edges = new Map(files.map((file) => [file, importsOf(file).filter((spec) => spec.startsWith('.')).map((spec) => resolve(dirname(file), spec))]));
  const circles: string[] = [];
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (file: string) => {
    if (done.has(file)) return;
    const at = onPath.indexOf(file);
    if (at >= 0) {
      circles.push([...onPath.slice(at), file].map((f) => relative(SRC, f)).join(' -> '));
      return;
    }
    onPath.push(file);
    for (const next of edges.get(file) ?? []) visit(next);
    onPath.pop();
    done.add(file);
  };
  for (const file of files) visit(file);
  return circles;
}

describe('architecture', () => {
  it('has no import circle in src/ (a circle makes load order decide what is undefined)', () => {
    expect(importCircles(filesUnder(SRC))).toEqual([]);
  });

  it('keeps dependencies pointing inward', () => {
    const violations: string[] = [];
    for (const file of filesUnder(SRC)) {
      const rules = FORBIDDEN[layerOf(file)] ?? [];
      for (const spec of importsOf(file)) {
        if (rules.some((rule) => rule.test(spec))) violations.push(`${relative(SRC, file)} imports ${spec}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('reads process.env only in the entry points (the bot, `npm run manifest`) and the settings module', () => {
    const readers = filesUnder(SRC)
      .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file));
    expect(readers.filter((f) => !['main.ts', 'manifest.ts', 'infrastructure/config.ts'].includes(f))).toEqual([]);
  });
});
