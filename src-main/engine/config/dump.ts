/** A resolved configuration written back as YAML in the seed's layout (for the run folder); it loads to an equal config. */
import { Document, isScalar, visit } from 'yaml';
import { dataConfig } from './data';
import { modelConfig } from './model';
import { taskConfig } from './tasks';
import { trainerConfig } from './trainer';
import type { ResolvedRunConfig } from './types';

/** The run configuration, every value explicit, that resolves to `cfg` (source paths stay absolute). */
export function toRunConfig(cfg: ResolvedRunConfig): Record<string, unknown> {
  return {
    seed_everything: cfg.seed,
    ...(cfg.name !== null && { experiment_name: cfg.name }),
    backend: cfg.backend,
    weighting: cfg.weighting,
    model: {
      class_path: 'foundation_model.models.FlexibleMultiTaskModel',
      init_args: {
        ...modelConfig(cfg.model),
        enable_learnable_loss_balancer: cfg.weighting.strategy === 'uncertainty',
        task_configs: cfg.tasks.map((task) => taskConfig(task, cfg.model.depositDim)),
      },
    },
    data: {
      class_path: 'foundation_model.data.CompoundDataModule',
      init_args: dataConfig(cfg.data, Object.fromEntries(cfg.tasks.map((t) => [t.name, t.maskingRatio]))),
    },
    trainer: trainerConfig(cfg.trainer),
    ...(cfg.ensemble && { ensemble: cfg.ensemble }),
  };
}

/** YAML text of {@link toRunConfig}; lists of plain values are written on one line. */
export function dumpResolvedConfig(cfg: ResolvedRunConfig): string {
  const doc = new Document(toRunConfig(cfg));
  doc.commentBefore = ' Run configuration resolved by Crucible: every default filled in, source paths absolute.';
  visit(doc, {
    Seq(_, node) {
      if (node.items.every(isScalar)) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
