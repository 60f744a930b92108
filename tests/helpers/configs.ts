/**
 * Small run configurations over real data (matbench expt_gap: band gap regression + metal
 * classification from formulas) that many tests train for a couple of epochs.
 */
import { dataSet } from './paths';

export const GAP_TASK = '      - { name: band_gap, type: REGRESSION, data_column: band_gap_eV, dims: [16, 8, 1] }';
export const METAL_TASK = '      - { name: is_metal, type: CLASSIFICATION, data_column: is_metal, dims: [16, 8], num_classes: 2 }';

export interface GapConfigOptions {
  seed: number;
  epochs?: number;
  /** Task lines (default: band gap and metal). */
  tasks?: string;
  /** More `model.init_args` lines, indented by four spaces. */
  model?: string;
  /** More top-level YAML (weighting, experiment_name, …). */
  extra?: string;
}

export function gapConfigYaml(o: GapConfigOptions): string {
  return `
seed_everything: ${o.seed}
model:
  init_args:
    shared_block_dims: [auto, 32, 16]
${o.model ?? ''}
    task_configs:
${o.tasks ?? `${GAP_TASK}\n${METAL_TASK}`}
data:
  init_args:
    attributes_source: ${dataSet('matbench_expt_gap', 'expt_gap_multitask.csv')}
    formula_column: formula
    featurizer: magpie
    id_column: formula
    batch_size: 256
trainer:
  max_epochs: ${o.epochs ?? 2}
${o.extra ?? ''}`;
}
