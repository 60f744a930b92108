/**
 * The `data.init_args` section: sources resolved to absolute files (or project tables) and checked to exist,
 * the choice between a descriptor file and featurized formulas, and split settings.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_FEATURIZER } from '../data/featurize';
import { formatNames, formatOfFile } from '../data/import/formats';
import { suggestionHint } from '../util/suggest';
import { addNotice, configError, describeValue, formatPath, type ConfigScope, type KeyPath } from './problems';
import type { RunConfig } from './schema';
import { basename, extname } from 'node:path';
import { toId } from '../util/ids';
import type { ResolvedAttributeSource, ResolvedData, ResolvedJoin, ResolvedSource } from './types';

type DataConfig = RunConfig['data']['init_args'];
type SourceConfig = NonNullable<DataConfig['formula_desc_source']>;
type AttributesEntry = Extract<NonNullable<DataConfig['attributes_source']>, unknown[]>[number];

const BASE = ['data', 'init_args'] as const;

export interface SourceContext {
  /** Folder that relative paths are resolved against (the config file's folder). */
  baseDir: string;
  /** Tables of the open project, when there is one; `{ table }` sources are checked against them. */
  projectTables?: readonly string[];
}

function resolveSource(scope: ConfigScope, ctx: SourceContext, path: KeyPath, source: SourceConfig): ResolvedSource {
  if (typeof source !== 'string') {
    if (ctx.projectTables && !ctx.projectTables.includes(source.table)) {
      throw configError(scope, [...path, 'table'], `The project has no table "${source.table}".`, suggestionHint(source.table, ctx.projectTables, 'table'));
    }
    return { kind: 'table', table: source.table };
  }
  if (source.includes('${')) {
    throw configError(
      scope,
      path,
      `${formatPath(path)} is ${describeValue(source)}; variables such as \${…} are not expanded in paths.`,
      'Write the path itself, relative to the config file’s folder.',
    );
  }
  const format = formatOfFile(source);
  if (format === undefined) {
    throw configError(
      scope,
      path,
      `${formatPath(path)} is ${describeValue(source)}; Crucible reads ${formatNames('and')} files.`,
      'Save the table as Parquet or CSV (pandas: DataFrame.to_parquet or to_csv).',
    );
  }
  const file = resolve(ctx.baseDir, source);
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) {
    throw configError(
      scope,
      path,
      `${formatPath(path)} names ${describeValue(source)}, which does not exist (looked for ${file}).`,
      'Relative paths start at the config file’s folder.',
      'not-found',
    );
  }
  return { kind: 'file', path: file, format };
}

/** The attributes tables, each with its identifying columns (its own, else data.init_args'). */
function resolveAttributes(scope: ConfigScope, ctx: SourceContext, d: DataConfig): ResolvedAttributeSource[] {
  const at = (key: string) => [...BASE, key];
  if (d.table !== undefined && d.attributes_source) {
    throw configError(scope, at('table'), 'Both data.init_args.table and data.init_args.attributes_source name the attributes.', 'Keep one of the two.');
  }
  const key = d.attributes_source ? 'attributes_source' : 'table';
  const given: AttributesEntry | AttributesEntry[] | undefined =
    d.attributes_source ?? (d.table === undefined ? undefined : typeof d.table === 'string' ? { table: d.table } : d.table.map((table) => ({ table })));
  if (!given) {
    throw configError(
      scope,
      BASE,
      'No attributes (targets) are configured.',
      'Set data.init_args.attributes_source to a file, or data.init_args.table to a project table.',
    );
  }
  const entries = Array.isArray(given) ? given : [given];
  const sources = entries.map((entry, i): ResolvedAttributeSource => {
    const path = Array.isArray(given) ? [...at(key), i] : at(key);
    const source = resolveSource(scope, ctx, path, typeof entry === 'string' ? entry : 'path' in entry ? entry.path : { table: entry.table });
    const own: { formula_column?: string; id_column?: string | null } = typeof entry === 'string' ? {} : entry;
    return {
      ...source,
      name: source.kind === 'table' ? source.table : toId(basename(source.path, extname(source.path)).replace(/[.-]/g, '_'), `source${i + 1}`),
      formulaColumn: own.formula_column ?? d.formula_column ?? null,
      idColumn: own.id_column === undefined ? (d.id_column ?? null) : own.id_column,
    };
  });
  const names = new Map<string, number>();
  sources.forEach((s, i) => {
    const first = names.get(s.name);
    if (first !== undefined) {
      throw configError(
        scope,
        Array.isArray(given) ? [...at(key), i] : at(key),
        `Attribute sources ${first + 1} and ${i + 1} are both called "${s.name}".`,
        'Give the files different names: a task column is qualified as <source>.<column> by these names.',
      );
    }
    names.set(s.name, i);
  });
  return sources;
}

/** `withStructure` says whether the model has a structure branch (which needs structure descriptors). */
export function resolveData(scope: ConfigScope, ctx: SourceContext, d: DataConfig, withStructure: boolean): ResolvedData {
  const at = (key: string) => [...BASE, key];
  const sources = resolveAttributes(scope, ctx, d);
  const [first] = sources;
  const attributes: ResolvedSource = first.kind === 'table' ? { kind: 'table', table: first.table } : { kind: 'file', path: first.path, format: first.format };
  const join: ResolvedJoin | undefined = sources.length > 1 ? { sources, on: d.join_on, duplicates: d.duplicates } : undefined;
  if (!join && (d.join_on !== 'formula' || d.duplicates !== 'merge'))
    addNotice(
      scope,
      at(d.join_on !== 'formula' ? 'join_on' : 'duplicates'),
      'join_on and duplicates apply when several attribute tables are joined; with one table its rows are used as they are.',
    );
  if (join?.on === 'id') {
    const missing = sources.findIndex((s) => s.idColumn === null);
    if (missing >= 0)
      throw configError(
        scope,
        at('join_on'),
        `join_on is "id" but attribute source "${sources[missing].name}" has no id column.`,
        'Set data.init_args.id_column, or id_column on that source.',
      );
  }
  if (join?.on === 'formula' && sources.some((s) => s.formulaColumn === null)) {
    const missing = sources.find((s) => s.formulaColumn === null)!;
    throw configError(
      scope,
      at('formula_column'),
      `Attribute source "${missing.name}" has no formula column to join on.`,
      'Set data.init_args.formula_column, or formula_column on that source.',
    );
  }
  const formulaDescriptors = d.formula_desc_source ? resolveSource(scope, ctx, at('formula_desc_source'), d.formula_desc_source) : null;
  if (formulaDescriptors && d.featurizer !== undefined) {
    throw configError(
      scope,
      at('featurizer'),
      'featurizer computes descriptors from formulas, but formula_desc_source already provides descriptors.',
      'Remove one of the two.',
    );
  }
  if (!formulaDescriptors && d.formula_column === undefined) {
    throw configError(
      scope,
      BASE,
      'The model has no inputs: neither formula_desc_source nor formula_column is set.',
      'Set formula_desc_source to a descriptor file, or formula_column to a column of formulas to featurize.',
    );
  }
  let structureDescriptors: ResolvedSource | null = null;
  if (withStructure) {
    if (!d.structure_desc_source) {
      throw configError(
        scope,
        ['model', 'init_args', 'with_structure'],
        'with_structure is true but no structure descriptors are configured.',
        'Set data.init_args.structure_desc_source, or with_structure: false.',
      );
    }
    structureDescriptors = resolveSource(scope, ctx, at('structure_desc_source'), d.structure_desc_source);
  } else if (d.structure_desc_source) {
    addNotice(scope, at('structure_desc_source'), 'with_structure is not true, so the structure descriptors are not used.');
  }
  if (d.val_split + d.test_split >= 1) {
    throw configError(
      scope,
      at('test_split'),
      `val_split (${d.val_split}) and test_split (${d.test_split}) leave no rows for training.`,
      'Keep their sum below 1, e.g. 0.1 each.',
    );
  }
  if (d.num_workers !== undefined) addNotice(scope, at('num_workers'), 'Crucible has no data-loader workers; num_workers is ignored.');
  return {
    formulaDescriptors,
    attributes,
    ...(join && { join }),
    structureDescriptors,
    formulaColumn: d.formula_column ?? null,
    featurizer: formulaDescriptors ? null : (d.featurizer ?? DEFAULT_FEATURIZER),
    idColumn: d.id_column ?? null,
    splitColumn: d.split_column,
    batchSize: d.batch_size,
    valSplit: d.val_split,
    testSplit: d.test_split,
    trainRandomSeed: d.train_random_seed,
    testRandomSeed: d.test_random_seed,
    testAll: d.test_all,
  };
}

const sourceConfig = (s: ResolvedSource) => (s.kind === 'file' ? s.path : { table: s.table });

/** A joined source in config form: plain, or with its identifying columns where they differ from the run's. */
function attributesEntry(s: ResolvedAttributeSource, d: ResolvedData): AttributesEntry {
  const own = {
    ...(s.formulaColumn !== d.formulaColumn && s.formulaColumn !== null && { formula_column: s.formulaColumn }),
    ...(s.idColumn !== d.idColumn && { id_column: s.idColumn }),
  };
  if (Object.keys(own).length === 0) return sourceConfig(s);
  return s.kind === 'file' ? { path: s.path, ...own } : { table: s.table, ...own };
}

/** The config form of resolved data settings; `maskingRatios` are the tasks' keep-ratios by name. */
export function dataConfig(d: ResolvedData, maskingRatios: Record<string, number>): Record<string, unknown> {
  return {
    ...(d.formulaDescriptors && { formula_desc_source: sourceConfig(d.formulaDescriptors) }),
    attributes_source: d.join ? d.join.sources.map((s) => attributesEntry(s, d)) : sourceConfig(d.attributes),
    ...(d.join && { join_on: d.join.on, duplicates: d.join.duplicates }),
    ...(d.structureDescriptors && { structure_desc_source: sourceConfig(d.structureDescriptors) }),
    ...(d.formulaColumn !== null && { formula_column: d.formulaColumn }),
    ...(d.featurizer !== null && { featurizer: d.featurizer }),
    id_column: d.idColumn,
    split_column: d.splitColumn,
    task_masking_ratios: maskingRatios,
    batch_size: d.batchSize,
    val_split: d.valSplit,
    test_split: d.testSplit,
    train_random_seed: d.trainRandomSeed,
    test_random_seed: d.testRandomSeed,
    test_all: d.testAll,
  };
}
