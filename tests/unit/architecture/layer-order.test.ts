/**
 * The layer order, read from the import statements themselves (ARCHITECTURE.md draws it):
 *
 *   renderer, preload ─► api/contract ─► its pure closure in engine/
 *   app ─► api ─► engine        server ─► api, engine        cli ─► server, api, engine
 *
 * The engine runs under plain Node and knows nothing above it; only app/ and preload/ import electron; the
 * renderer bundle gets the contract and the few pure engine modules it is built from, nothing else of src-main.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/paths';

type Layer = 'engine' | 'api' | 'server' | 'cli' | 'app' | 'preload' | 'renderer';

/** The layers each layer's files may import, besides the contract (which every layer may import). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  engine: ['engine'],
  api: ['api', 'engine'],
  server: ['server', 'api', 'engine'],
  cli: ['cli', 'server', 'api', 'engine'],
  app: ['app', 'api', 'engine'],
  preload: ['preload'],
  renderer: ['renderer'],
};

const CONTRACT = 'src-main/api/contract.ts';

/** Everything the contract pulls into the renderer bundle and the sandboxed preload: keep it this small and pure. */
const CONTRACT_CLOSURE = [
  CONTRACT,
  'src-main/engine/project/tasks.ts',
  'src-main/engine/project/train-settings.ts',
  'src-main/engine/run-folder/epoch-record.ts',
  'src-main/engine/run-folder/schemas.ts',
  'src-main/engine/util/ids.ts',
  'src-main/engine/vocabulary.ts',
];

/** `… from 'x'`, `import 'x'`, `import('x')`, `require('x')`, over several lines as well. */
const IMPORT = /(?:\bfrom\s+|^\s*import\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/gm;

interface Imports {
  /** Repository-relative paths of the source files imported. */
  files: string[];
  /** Package names, `node:` built-ins included. */
  packages: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|cjs|svelte)$/.test(name) ? [relative(repoRoot, path)] : [];
  });
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function resolveSource(from: string, specifier: string): string {
  const base = resolve(repoRoot, dirname(from), specifier);
  const found = [base, `${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p) && statSync(p).isFile());
  if (!found) throw new Error(`${from}: cannot resolve import "${specifier}"`);
  return relative(repoRoot, found);
}

function importsOf(file: string, text = readFileSync(join(repoRoot, file), 'utf8')): Imports {
  const specifiers = [...text.matchAll(IMPORT)].map((m) => m[1]);
  return {
    files: specifiers.filter((s) => s.startsWith('.')).map((s) => resolveSource(file, s)),
    packages: specifiers.filter((s) => !s.startsWith('.')).map(packageName),
  };
}

function layerOf(file: string): Layer {
  if (file.startsWith('src-renderer/')) return 'renderer';
  const layer = file.split('/')[1] as Layer;
  if (!Object.hasOwn(MAY_IMPORT, layer)) throw new Error(`${file} is in no known layer; add its folder to MAY_IMPORT`);
  return layer;
}

const files = [...sourceFiles(join(repoRoot, 'src-main')), ...sourceFiles(join(repoRoot, 'src-renderer', 'src'))];
const graph = new Map(files.map((f) => [f, importsOf(f)]));

function closure(start: string): string[] {
  const seen = new Set([start]);
  for (const file of seen) for (const next of graph.get(file)!.files) seen.add(next);
  return [...seen].sort();
}

describe('layer order', () => {
  it('the scanner finds every form of import and resolves it to a file', () => {
    const text = [
      "import { a } from '../engine/errors';",
      'import {\n  b,\n} from "./router";',
      "import type { C } from '../engine/vocabulary';",
      "export * from './contract';",
      "import 'zod';",
      "const e = require('electron/main');",
      "await import('@duckdb/node-api');",
    ].join('\n');
    expect(importsOf('src-main/api/example.ts', text)).toEqual({
      files: ['src-main/engine/errors.ts', 'src-main/api/router.ts', 'src-main/engine/vocabulary.ts', 'src-main/api/contract.ts'],
      packages: ['zod', 'electron', '@duckdb/node-api'],
    });
    expect(() => importsOf('src-main/api/example.ts', "import x from './missing';")).toThrow(/cannot resolve/);
  });

  it('each layer imports only the layers below it, and the contract', () => {
    const offenders = files.flatMap((file) =>
      graph
        .get(file)!
        .files.filter((target) => target !== CONTRACT && !MAY_IMPORT[layerOf(file)].includes(layerOf(target)))
        .map((target) => `${file} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only app/ and preload/ import electron', () => {
    const offenders = files.filter((f) => !['app', 'preload'].includes(layerOf(f)) && graph.get(f)!.packages.includes('electron'));
    expect(offenders).toEqual([]);
  });

  it('the contract brings only pure modules into the renderer: the listed ones, importing nothing but zod', () => {
    expect(closure(CONTRACT)).toEqual([...CONTRACT_CLOSURE].sort());
    for (const file of CONTRACT_CLOSURE)
      expect(
        graph.get(file)!.packages.filter((p) => p !== 'zod'),
        file,
      ).toEqual([]);
    for (const file of ['src-main/engine/vocabulary.ts', 'src-main/engine/util/ids.ts']) expect(graph.get(file), file).toEqual({ files: [], packages: [] });
  });
});
