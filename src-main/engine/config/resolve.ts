/**
 * Run configuration → ResolvedRunConfig: schema checks, command-line overrides, defaults, cross-checks between
 * sections, absolute source paths. Works on a YAML file (`loadConfig`), YAML text, or a plain object from the UI.
 */
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve as resolvePath } from 'node:path';
import { z } from 'zod';
import { CrucibleError } from '../errors';
import { resolveData } from './data';
import { checkFeaturizerWidth, resolveModel } from './model';
import { checkWith, configError, keyRef, pickOne, unknownKeyError, type ConfigNotice, type ConfigScope, type KeyPath } from './problems';
import { weightingStrategy } from '../train/weighting/index';
import { BACKENDS } from '../vocabulary';
import { RunConfigSchema, type RunConfig, type WeightingConfig } from './schema';
import { resolveTasks } from './tasks';
import { resolveTrainer } from './trainer';
import type { ConfigOverrides, ResolvedRunConfig } from './types';
import { parseYamlConfig } from './yaml-document';

/** The seed used when a config sets none (Lightning would draw one; Crucible runs repeat by default). */
export const DEFAULT_SEED = 42;

export interface LoadConfigOptions {
  overrides?: ConfigOverrides;
  /** Tables of the open project; `{ table }` sources are checked against them when given. */
  projectTables?: readonly string[];
  /** Receives each accepted-but-ignored key (Lightning devices, loggers, …) with its line. */
  onNotice?: (notice: ConfigNotice) => void;
}

export interface ResolveOptions extends LoadConfigOptions {
  /** Folder that relative source paths start from (a config file's folder). */
  baseDir: string;
  /** The config file, for error locations. */
  file?: string;
  /** Line of the key at a path, for error locations. */
  lineOf?: (path: KeyPath) => number | undefined;
}

const OVERRIDE_FLAGS = { maxEpochs: '--max-epochs', seed: '--seed', backend: '--backend' } as const;

const OverridesSchema = z.strictObject({
  maxEpochs: z.number().int().positive().optional(),
  seed: z.number().int().optional(),
  backend: z.enum(BACKENDS).optional(),
});

/** The config with the command-line values written over the file's (`--max-epochs` → trainer.max_epochs, …). */
function applyOverrides(raw: unknown, overrides: ConfigOverrides | undefined): unknown {
  if (overrides === undefined) return raw;
  const parsed = OverridesSchema.safeParse(overrides);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]) as keyof typeof OVERRIDE_FLAGS;
    const flag = OVERRIDE_FLAGS[key] ?? key;
    const hint = key === 'backend' ? `Use one of: ${BACKENDS.join(', ')}.` : key === 'maxEpochs' ? 'Use a positive whole number.' : 'Use a whole number.';
    throw new CrucibleError('bad-config', `${flag} is ${JSON.stringify(overrides[key])}, which is not valid.`, { hint });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const o = parsed.data;
  const out = structuredClone(raw) as Record<string, unknown>;
  if (o.maxEpochs !== undefined) {
    const trainer = out.trainer;
    out.trainer = { ...(trainer !== null && typeof trainer === 'object' ? trainer : {}), max_epochs: o.maxEpochs };
  }
  if (o.seed !== undefined) out.seed_everything = o.seed;
  if (o.backend !== undefined) out.backend = o.backend;
  return out;
}

/** The weighting strategy: explicit, or from the seed's `enable_learnable_loss_balancer` (default on). */
function resolveWeighting(scope: ConfigScope, cfg: RunConfig): WeightingConfig {
  const balancer = cfg.model.init_args.enable_learnable_loss_balancer;
  const w = cfg.weighting;
  const strategyOptions = (strategy: string, options: unknown) =>
    checkWith(scope, weightingStrategy(strategy)!.options, options, ['weighting', 'options'], `loss weighting "${strategy}"`);
  if (w === undefined) {
    const strategy = balancer === false ? 'static' : 'uncertainty';
    return { strategy, options: strategyOptions(strategy, {}) };
  }
  if (balancer !== undefined && balancer !== (w.strategy === 'uncertainty')) {
    throw configError(
      scope,
      ['weighting', 'strategy'],
      `weighting.strategy is "${w.strategy}" but ${keyRef(scope, ['model', 'init_args', 'enable_learnable_loss_balancer'])} is ${balancer}.`,
      'Remove enable_learnable_loss_balancer; weighting.strategy decides.',
    );
  }
  return { strategy: w.strategy, options: strategyOptions(w.strategy, w.options) };
}

/** Resolves a run configuration given as plain data (a parsed YAML file, or an object from the UI). */
export function resolveRunConfig(raw: unknown, options: ResolveOptions): ResolvedRunConfig {
  const scope: ConfigScope = { file: options.file, lineOf: options.lineOf ?? (() => undefined), notices: [] };
  const cfg = checkWith(scope, RunConfigSchema, applyOverrides(raw, options.overrides));
  const m = cfg.model.init_args;
  const d = cfg.data.init_args;
  const taskNames = m.task_configs.map((t) => t.name);
  for (const name of Object.keys(d.task_masking_ratios ?? {})) {
    if (!taskNames.includes(name)) throw unknownKeyError(scope, ['data', 'init_args', 'task_masking_ratios', name], taskNames);
  }

  const trainer = resolveTrainer(scope, cfg.trainer);
  const withStructure =
    pickOne(scope, [
      [['model', 'init_args', 'with_structure'], m.with_structure],
      [['data', 'init_args', 'with_structure'], d.with_structure],
    ]) ?? false;
  const { model, taskWeights } = resolveModel(scope, m, { withStructure, taskNames });
  const data = resolveData(scope, { baseDir: options.baseDir, projectTables: options.projectTables }, d, withStructure);
  checkFeaturizerWidth(scope, model, data.featurizer);
  const tasks = resolveTasks(
    {
      scope,
      depositDim: model.depositDim,
      maskingRatios: d.task_masking_ratios ?? {},
      lossWeights: taskWeights,
      lora: { rank: m.lora_rank, alpha: m.lora_alpha },
    },
    m.task_configs,
  );
  const resolved: ResolvedRunConfig = {
    name: cfg.experiment_name ?? null,
    seed: typeof cfg.seed_everything === 'number' ? cfg.seed_everything : cfg.seed_everything === undefined ? DEFAULT_SEED : randomInt(2 ** 31 - 1),
    backend: cfg.backend,
    weighting: resolveWeighting(scope, cfg),
    model,
    tasks,
    data,
    trainer,
    ensemble: cfg.ensemble ?? null,
  };
  if (options.onNotice) [...scope.notices].sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)).forEach(options.onNotice);
  return resolved;
}

/** Resolves YAML text; relative paths start at `baseDir`, and errors name `file` and the line of the key. */
export function parseConfigText(text: string, options: LoadConfigOptions & { baseDir: string; file?: string }): ResolvedRunConfig {
  const yaml = parseYamlConfig(text, options.file);
  return resolveRunConfig(yaml.data, { ...options, lineOf: yaml.lineOf });
}

/** Reads and resolves a YAML config file; relative source paths start at the file's folder. */
export async function loadConfig(path: string, options: LoadConfigOptions = {}): Promise<ResolvedRunConfig> {
  const file = resolvePath(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CrucibleError(
      missing ? 'not-found' : 'bad-input',
      missing ? `The config file ${file} does not exist.` : `The config file ${file} cannot be read.`,
      {
        location: { file },
        hint: missing ? 'Check the path.' : 'Check that it is a readable file.',
        cause,
      },
    );
  }
  return parseConfigText(text, { ...options, baseDir: dirname(file), file });
}
