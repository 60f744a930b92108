/**
 * The layer order, read from the import statements themselves (ARCHITECTURE.md draws it):
 *
 *   renderer, preload ─► api/contract ─► its pure closure in engine/
 *   app ─► api ─► engine        server ─► api, engine        cli ─► server, api, engine
 *
 * The engine runs under plain Node and knows nothing above it; only app/ and preload/ import electron; the
 * renderer bundle gets the contract and the few pure engine modules it is built from, nothing else of src-main.
 * Inside the engine, ENGINE_RANK orders the folders the same way.
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
  'src-main/engine/data/import/formats.ts',
  'src-main/engine/project/schema.ts',
  'src-main/engine/project/tasks.ts',
  'src-main/engine/project/train-settings.ts',
  'src-main/engine/run-folder/epoch-record.ts',
  'src-main/engine/run-folder/prediction-stats.ts',
  'src-main/engine/run-folder/schemas.ts',
  'src-main/engine/util/ids.ts',
  'src-main/engine/util/quantities.ts',
  'src-main/engine/vocabulary.ts',
];

/**
 * Engine folders, bottom to top: a module may import its own entry and entries of lower or equal rank. A file or
 * subfolder listed on its own sits at another level than the rest of its folder; the longest entry containing a file
 * is its entry. Equal ranks are folders that need each other.
 */
const ENGINE_RANK: Record<string, number> = {
  'errors.ts': 0,
  'paths.ts': 0,
  'vocabulary.ts': 0,
  util: 0,
  // The job contract, which training and prediction implement, and the pool studies spread their runs over.
  'jobs/job.ts': 0,
  'jobs/pool.ts': 0,
  data: 1,
  // The table of file formats, whose ids project.json records.
  'data/import/formats.ts': 1,
  model: 2,
  // The training loop needs no config; config checks its ids against the loop's registries (weightings, metrics, optimisers).
  'train/batch-tensors.ts': 3,
  'train/callbacks': 3,
  'train/evaluate.ts': 3,
  'train/fit.ts': 3,
  'train/losses.ts': 3,
  'train/metrics.ts': 3,
  'train/optim': 3,
  'train/ssl': 3,
  'train/weighting': 3,
  // In-training probes: callbacks on the loop, which one run switches on.
  analysis: 4,
  project: 5,
  // Importing writes tables into a project.
  'data/import': 6,
  config: 7,
  'run-folder': 8,
  // One run, start to finish; its data is loaded for it, from a source run too when fine-tuning.
  train: 9,
  'data/load-run-data.ts': 9,
  // A run over several attribute tables: their union by material, built from files imported for it and project tables.
  'data/join': 9,
  // A run's HTML report reads its folder and, for curves' x values, its data; bundles carry it.
  report: 9,
  export: 10,
  infer: 11,
  'project-run': 12,
  // Studies start their runs through the worker, and the worker's train job is an ensemble study when the config asks.
  studies: 13,
  jobs: 13,
  // For the app, imported by nothing in the engine: the folder browser (which knows every kind of file a page opens) and per-user state.
  files: 14,
  user: 14,
  // For the command line, imported by nothing in the engine: Slurm job arrays (scripts, sbatch, following the queue).
  cluster: 14,
};

const ENGINE = 'src-main/engine/';

/** The ENGINE_RANK entry a file of the engine belongs to. */
function engineEntry(file: string): string {
  const path = file.slice(ENGINE.length);
  const entry = Object.keys(ENGINE_RANK)
    .filter((e) => path === e || path.startsWith(`${e}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (entry === undefined) throw new Error(`${file} is in no engine folder of ENGINE_RANK; add its folder there`);
  return entry;
}

/** Every import from one engine entry into another of higher rank, named with both files and both ranks. */
function upwardImports(graph: ReadonlyMap<string, Imports>): string[] {
  return [...graph].flatMap(([file, { files: targets }]) => {
    if (!file.startsWith(ENGINE)) return [];
    const from = engineEntry(file);
    return targets.flatMap((target) => {
      if (!target.startsWith(ENGINE)) return [];
      const to = engineEntry(target);
      if (to === from || ENGINE_RANK[to] <= ENGINE_RANK[from]) return [];
      return [`${file} imports ${target}: ${from} (rank ${ENGINE_RANK[from]}) may not import ${to} (rank ${ENGINE_RANK[to]})`];
    });
  });
}

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

  it('the rank check names an upward import in the engine, and a folder missing from the table', () => {
    const imports = (...files: string[]): Imports => ({ files, packages: [] });
    const example = new Map([
      ['src-main/engine/train/fit.ts', imports('src-main/engine/train/run-training.ts', 'src-main/engine/model/model.ts')],
      ['src-main/engine/config/schema.ts', imports('src-main/engine/train/weighting/index.ts', 'src-main/engine/config/types.ts')],
      ['src-main/engine/studies/sweep.ts', imports('src-main/engine/jobs/run-in-worker.ts')],
    ]);
    expect(upwardImports(example)).toEqual([
      'src-main/engine/train/fit.ts imports src-main/engine/train/run-training.ts: train/fit.ts (rank 3) may not import train (rank 9)',
    ]);
    expect(() => upwardImports(new Map([['src-main/engine/nowhere/x.ts', imports()]]))).toThrow(/no engine folder of ENGINE_RANK/);
  });

  it('each engine folder imports only folders of lower or equal rank', () => {
    expect(upwardImports(graph)).toEqual([]);
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
    for (const file of ['src-main/engine/vocabulary.ts', 'src-main/engine/util/ids.ts', 'src-main/engine/data/import/formats.ts'])
      expect(graph.get(file), file).toEqual({ files: [], packages: [] });
  });
});
