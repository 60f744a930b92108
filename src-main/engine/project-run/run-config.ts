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

/** One task entry of `model.init_args.task_configs`: the seed's keys with the head options flat beside them. */
function taskConfigEntry(task: TaskSpec, learningRate: number): Record<string, unknown> {
  return {
    ...task.head_options,
    name: task.name,
    type: task.type,
    subtype: task.subtype,
    data_column: task.data_column,
    ...(task.steps_column !== null && { steps_column: task.steps_column }),
    loss_weight: task.loss_weight,
    task_masking_ratio: task.task_masking_ratio,
    enabled: task.enabled,
    optimizer: { lr: learningRate },
  };
}

/** The raw run config (seed layout) for `tasks`, all read from `table`. */
export function buildRunConfig(table: TableMeta, tasks: readonly TaskSpec[], s: TrainSettings): Record<string, unknown> {
  return {
    seed_everything: s.seed,
    experiment_name: s.name.trim() || null,
    backend: s.backend,
    ...(s.ensembleSize > 1 && { ensemble: { size: s.ensembleSize, coverage: s.intervalCoverage } }),
    weighting: { strategy: s.strategy },
    model: {
      init_args: {
        shared_block_dims: ['auto', ...s.sharedDims],
        task_configs: tasks.map((t) => taskConfigEntry(t, s.learningRate)),
        shared_block_optimizer: { lr: s.learningRate },
      },
    },
    data: {
      init_args: {
        table: table.name,
        ...(table.formulaColumn !== null && { formula_column: table.formulaColumn }),
        featurizer: s.featurizer,
        ...(table.idColumn !== null && { id_column: table.idColumn }),
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

/** The resolved config of a run of `tasks` on project table `table`; `adjust` changes the raw config first (fine-tuning's keys). */
export function projectRunConfig(
  project: Project,
  table: string,
  tasks: readonly TaskSpec[],
  settings: TrainSettings,
  adjust = (raw: Record<string, unknown>) => raw,
): ResolvedRunConfig {
  const meta = project.table(table);
  if (!meta) throw new CrucibleError('not-found', `The project has no table "${table}".`, { hint: 'Import it on the Data page.' });
  return resolveRunConfig(adjust(buildRunConfig(meta, tasks, settings)), { baseDir: project.dir, projectTables: project.tables.map((t) => t.name) });
}
