/**
 * The run configuration of a project run: the project's tasks and the training settings written in the seed's
 * YAML layout, so `resolveRunConfig` checks them exactly as it checks a file and the run folder's config.yaml
 * reruns from the command line.
 */
import { resolveRunConfig, type ResolvedRunConfig } from '../config/index';
import { CrucibleError } from '../errors';
import type { Project } from '../project/project';
import type { TableMeta } from '../project/schema';
import type { TaskSpec } from '../project/tasks';
import type { TrainSettings } from '../project/train-settings';

/**
 * One task entry of `model.init_args.task_configs`: the seed's keys with the head options flat beside them. A run
 * joining tables names each column `<table>.<column>`, as two tables may share a column name.
 */
function taskConfigEntry(task: TaskSpec, learningRate: number, joined: boolean): Record<string, unknown> {
  const column = (name: string) => (joined ? `${task.table}.${name}` : name);
  return {
    ...task.head_options,
    name: task.name,
    type: task.type,
    subtype: task.subtype,
    data_column: column(task.data_column),
    ...(task.steps_column !== null && { steps_column: column(task.steps_column) }),
    loss_weight: task.loss_weight,
    ...(task.type !== 'classification' && task.lower_bound !== undefined && { lower_bound: task.lower_bound }),
    ...(task.type !== 'classification' && task.unit !== undefined && { unit: task.unit }),
    task_masking_ratio: task.task_masking_ratio,
    enabled: task.enabled,
    optimizer: { lr: learningRate },
  };
}

/** The attributes of a run over `tables`: the one table, or the tables joined, each naming its own formula and id columns. */
function attributesKeys(tables: readonly TableMeta[]): Record<string, unknown> {
  const [first] = tables;
  const shared = {
    ...(first.formulaColumn !== null && { formula_column: first.formulaColumn }),
    ...(first.idColumn !== null && { id_column: first.idColumn }),
  };
  if (tables.length === 1) return { table: first.name, ...shared };
  return {
    attributes_source: tables.map((t) => ({
      table: t.name,
      ...(t.formulaColumn !== null && t.formulaColumn !== first.formulaColumn && { formula_column: t.formulaColumn }),
      ...(t.idColumn !== first.idColumn && { id_column: t.idColumn }),
    })),
    ...shared,
  };
}

/** The raw run config (seed layout) for `tasks`, read from `tables` (one, or several joined by material). */
export function buildRunConfig(tables: TableMeta | readonly TableMeta[], tasks: readonly TaskSpec[], s: TrainSettings): Record<string, unknown> {
  const list: readonly TableMeta[] = Array.isArray(tables) ? tables : [tables as TableMeta];
  return {
    seed_everything: s.seed,
    experiment_name: s.name.trim() || null,
    backend: s.backend,
    ...(s.ensembleSize > 1 && { ensemble: { size: s.ensembleSize, coverage: s.intervalCoverage } }),
    weighting: { strategy: s.strategy },
    model: {
      init_args: {
        shared_block_dims: ['auto', ...s.sharedDims],
        task_configs: tasks.map((t) => taskConfigEntry(t, s.learningRate, list.length > 1)),
        shared_block_optimizer: { lr: s.learningRate },
      },
    },
    data: {
      init_args: {
        ...attributesKeys(list),
        featurizer: s.featurizer,
        batch_size: s.batchSize,
        val_split: s.valSplit,
        test_split: s.testSplit,
      },
    },
    trainer: {
      max_epochs: s.maxEpochs,
      early_stopping: s.patience === null ? null : { monitor: 'val_final_loss', patience: s.patience },
    },
  };
}

/** The resolved config of a run of `tasks` on the project tables they come from; `adjust` changes the raw config first (fine-tuning's keys). */
export function projectRunConfig(
  project: Project,
  tasks: readonly TaskSpec[],
  settings: TrainSettings,
  adjust = (raw: Record<string, unknown>) => raw,
): ResolvedRunConfig {
  const metas = [...new Set(tasks.map((t) => t.table))].map((table) => {
    const meta = project.table(table);
    if (!meta) throw new CrucibleError('not-found', `The project has no table "${table}".`, { hint: 'Import it on the Data page.' });
    return meta;
  });
  return resolveRunConfig(adjust(buildRunConfig(metas, tasks, settings)), { baseDir: project.dir, projectTables: project.tables.map((t) => t.name) });
}
