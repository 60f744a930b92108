/** Turns a resolved config into the live pieces of a run: optimiser groups, schedulers, frozen parameters. */
import type { OptimizerSettings, ResolvedRunConfig } from '../config/types';
import { ENCODER_GROUP } from '../model/encoder';
import { LORA_GROUP, headGroup, type MultiTaskModel } from '../model/model';
import { Optimizer } from './optim/optimizer';
import { createScheduler } from './optim/schedulers/index';
import type { LrScheduler } from './optim/schedulers/scheduler';
import { SSL_GROUP } from './ssl/self-supervised';
import { WEIGHTING_GROUP } from './weighting/weighting';

interface GroupPlan {
  id: string;
  storeGroups: string[];
  settings: OptimizerSettings;
}

/**
 * The seed's optimiser layout: the shared-block optimiser trains the encoder, the learned loss
 * weights, LoRA adapters and the self-supervised decoders; every head has its own optimiser settings.
 */
function groupPlans(cfg: ResolvedRunConfig, model: MultiTaskModel): GroupPlan[] {
  const plans: GroupPlan[] = [
    { id: ENCODER_GROUP, storeGroups: [ENCODER_GROUP, WEIGHTING_GROUP, LORA_GROUP, SSL_GROUP], settings: cfg.model.encoderOptimizer },
  ];
  for (const task of cfg.tasks) {
    if (model.heads.has(task.name)) plans.push({ id: headGroup(task.name), storeGroups: [headGroup(task.name)], settings: task.optimizer });
  }
  return plans;
}

/** One optimiser group per plan, each with its own optimiser (Adam, AdamW, delta-bar-delta, …) and options. */
export function buildOptimizer(cfg: ResolvedRunConfig, model: MultiTaskModel): Optimizer {
  return new Optimizer(model.store, {
    globalClipNorm: cfg.trainer.gradientClipVal ?? undefined,
    groups: groupPlans(cfg, model).map((p) => ({
      id: p.id,
      storeGroups: p.storeGroups,
      type: p.settings.type,
      options: p.settings.options,
      lr: p.settings.lr,
      weightDecay: p.settings.weightDecay,
    })),
  });
}

export function buildSchedulers(cfg: ResolvedRunConfig, model: MultiTaskModel): Map<string, LrScheduler> {
  const out = new Map<string, LrScheduler>();
  for (const { id, settings } of groupPlans(cfg, model)) {
    out.set(id, createScheduler(settings.scheduler.type, settings.scheduler.options, { baseLr: settings.lr, epochs: cfg.trainer.maxEpochs }));
  }
  return out;
}

const isAdapter = (name: string) => /\.lora_[ab]$/.test(name);

/**
 * `freeze_parameters` on the shared block freezes the encoder (layer-norm scales included); on a
 * task it freezes that head. LoRA freezes the weights it adapts: only the adapters train there.
 */
export function applyFreezing(cfg: ResolvedRunConfig, model: MultiTaskModel): void {
  if (cfg.model.encoderOptimizer.freeze || cfg.model.lora) model.store.setFrozen((s) => s.group === ENCODER_GROUP);
  for (const task of cfg.tasks) {
    const group = headGroup(task.name);
    if (task.optimizer.freeze) model.store.setFrozen((s) => s.group === group);
    else if (task.lora?.freezeBase) model.store.setFrozen((s) => s.group === group && !isAdapter(s.name));
  }
}
