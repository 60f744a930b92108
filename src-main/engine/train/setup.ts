/** Turns a resolved config into the live pieces of a run: optimiser groups, schedulers, frozen parameters. */
import type { OptimizerSettings, ResolvedRunConfig, SchedulerSettings } from '../config/types';
import { ENCODER_GROUP } from '../model/encoder';
import { LORA_GROUP, headGroup, type MultiTaskModel } from '../model/model';
import { Adam } from './optim/adam';
import { createScheduler } from './optim/schedulers/index';
import type { LrScheduler } from './optim/schedulers/scheduler';
import { SSL_GROUP } from './ssl/self-supervised';
import { WEIGHTING_GROUP } from './weighting/weighting';

/** The scheduler options object of a resolved scheduler setting (snake_case, as the registry reads them). */
function schedulerOptions(s: SchedulerSettings): { id: string; options: Record<string, unknown> } {
  switch (s.type) {
    case 'none':
      return { id: 'none', options: {} };
    case 'step':
      return { id: 'step', options: { step_size: s.stepSize, gamma: s.gamma } };
    case 'cosine':
      return { id: 'cosine', options: { t_max: s.tMax, eta_min: s.minLr } };
    case 'reduce_on_plateau':
      return { id: 'reduce_on_plateau', options: { monitor: s.monitor, mode: s.mode, factor: s.factor, patience: s.patience, min_lr: s.minLr } };
  }
}

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

export function buildOptimizer(cfg: ResolvedRunConfig, model: MultiTaskModel): Adam {
  const plans = groupPlans(cfg, model);
  return new Adam(model.store, {
    // One Adam flavour per run: AdamW as soon as any group asks for it (decay is then decoupled everywhere).
    decoupledWeightDecay: plans.some((p) => p.settings.type === 'adamw'),
    beta1: cfg.model.encoderOptimizer.betas[0],
    beta2: cfg.model.encoderOptimizer.betas[1],
    epsilon: cfg.model.encoderOptimizer.eps,
    globalClipNorm: cfg.trainer.gradientClipVal ?? undefined,
    groups: plans.map((p) => ({ id: p.id, storeGroups: p.storeGroups, lr: p.settings.lr, weightDecay: p.settings.weightDecay, gains: p.settings.gains })),
  });
}

export function buildSchedulers(cfg: ResolvedRunConfig, model: MultiTaskModel): Map<string, LrScheduler> {
  const out = new Map<string, LrScheduler>();
  for (const plan of groupPlans(cfg, model)) {
    const { id, options } = schedulerOptions(plan.settings.scheduler);
    out.set(plan.id, createScheduler(id, options, { baseLr: plan.settings.lr, epochs: cfg.trainer.maxEpochs }));
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
