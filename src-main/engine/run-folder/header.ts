/**
 * A run's header (run.json) from its resolved config, and, for runs and bundles that carry only a config.yaml,
 * the same fields read from that text as far as it can be read.
 */
import { parse as parseYaml } from 'yaml';
import type { ResolvedRunConfig } from '../config/types';
import type { TaskKind } from '../vocabulary';
import { RUN_HEADER_VERSION, type RunHeader } from './schemas';

/** Encoder widths after the input with the deposit width last (it is the last hidden width unless set apart). */
function sharedDims(hidden: readonly number[], deposit: number | null): number[] {
  return deposit !== null && deposit !== hidden.at(-1) ? [...hidden, deposit] : [...hidden];
}

export function runHeaderOf(cfg: ResolvedRunConfig): RunHeader {
  const attributes = cfg.data.attributes;
  return {
    formatVersion: RUN_HEADER_VERSION,
    name: cfg.name,
    table: attributes.kind === 'table' ? attributes.table : null,
    ...(cfg.data.join?.on === 'formula' && { joinedTables: cfg.data.join.sources.flatMap((s) => (s.kind === 'table' ? [s.table] : [])) }),
    idColumn: cfg.data.idColumn,
    featurizer: cfg.data.featurizer,
    sharedDims: sharedDims(cfg.model.hiddenDims, cfg.model.depositDim),
    backend: cfg.backend,
    strategy: cfg.weighting.strategy,
    tasks: cfg.tasks
      .filter((t) => t.enabled)
      .map((t) => ({ name: t.name, type: t.kind, column: t.column, ...(t.unit !== undefined && { unit: t.unit }), stepsColumn: t.stepsColumn })),
  };
}

const KINDS: Record<string, TaskKind> = { regression: 'regression', classification: 'classification', sequence: 'sequence', kernelregression: 'sequence' };

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * The header fields of a config.yaml in the seed layout (a run from before run.json, a bundle's config),
 * read leniently: an older or unreadable file gives what it can, never an error.
 */
export function headerFromConfigText(text: string | null): RunHeader {
  const empty: RunHeader = {
    formatVersion: RUN_HEADER_VERSION,
    name: null,
    table: null,
    idColumn: null,
    featurizer: null,
    sharedDims: [],
    backend: null,
    strategy: null,
    tasks: [],
  };
  if (text === null) return empty;
  try {
    const doc = record(parseYaml(text));
    const data = record(record(doc.data).init_args);
    const model = record(record(doc.model).init_args);
    const tasks = Array.isArray(model.task_configs) ? model.task_configs.map(record) : [];
    const dims = (Array.isArray(model.shared_block_dims) ? model.shared_block_dims : []).slice(1).filter((d): d is number => typeof d === 'number');
    return {
      ...empty,
      name: str(doc.experiment_name),
      table: str(data.table) ?? str(record(data.attributes_source).table),
      idColumn: str(data.id_column),
      featurizer: str(data.featurizer),
      sharedDims: sharedDims(dims, typeof model.deposit_dim === 'number' ? model.deposit_dim : null),
      backend: str(doc.backend),
      strategy: str(record(doc.weighting).strategy),
      tasks: tasks
        .filter((t) => t.enabled !== false)
        .map((t) => ({
          name: String(t.name),
          type:
            KINDS[
              String(t.type)
                .toLowerCase()
                .replace(/[\s_-]/g, '')
            ] ?? 'regression',
          column: String(t.data_column || t.name),
          ...('unit' in t && { unit: str(t.unit) }),
          stepsColumn: str(t.steps_column) ?? str(t.t_column),
        })),
    };
  } catch {
    return empty;
  }
}
