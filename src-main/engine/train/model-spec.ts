/** Builds the model's plain spec from a resolved config and the data it will train on. */
import { CrucibleError } from '../errors';
import type { ResolvedRunConfig } from '../config/types';
import { SPLIT_TRAIN, type TaskData, type TrainingSet } from '../data/dataset/types';
import type { HeadDataInfo } from '../model/heads/head';
import type { ModelSpec } from '../model/model';

const QUANTILES = 101;

/** Range and quantiles (q = 0, 0.01, …, 1) of the known training x values of a sequence task. */
function stepsInfo(set: TrainingSet, task: TaskData): HeadDataInfo['steps'] {
  const values: number[] = [];
  for (let r = 0; r < set.n; r++) {
    if (set.split[r] !== SPLIT_TRAIN) continue;
    const len = task.lengths ? task.lengths[r] : task.width;
    for (let k = 0; k < len; k++) values.push(task.steps![r * task.width + k]);
  }
  if (values.length === 0) return { min: 0, max: 1, quantiles: Array.from({ length: QUANTILES }, (_, i) => i / (QUANTILES - 1)) };
  values.sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = q * (values.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, values.length - 1);
    return values[lo] + (values[hi] - values[lo]) * (pos - lo);
  };
  return { min: values[0], max: values.at(-1)!, quantiles: Array.from({ length: QUANTILES }, (_, i) => at(i / (QUANTILES - 1))) };
}

export function buildModelSpec(cfg: ResolvedRunConfig, set: TrainingSet): ModelSpec {
  const m = cfg.model;
  const inputDim = set.featureNames.length;
  if (m.inputDim !== 'auto' && m.inputDim !== inputDim) {
    throw new CrucibleError('bad-config', `shared_block_dims starts with ${m.inputDim}, but the descriptors have ${inputDim} columns.`, {
      hint: 'Set the first entry of shared_block_dims to auto, or to the descriptor count.',
    });
  }
  let structure: ModelSpec['encoder']['structure'];
  if (m.structure) {
    if (!set.structure)
      throw new CrucibleError('bad-config', 'with_structure is on, but no structure descriptors were loaded.', {
        hint: 'Set data.init_args.structure_desc_source.',
      });
    const width = set.structure.names.length;
    if (m.structure.inputDim !== 'auto' && m.structure.inputDim !== width) {
      throw new CrucibleError('bad-config', `struct_block_dims starts with ${m.structure.inputDim}, but the structure descriptors have ${width} columns.`);
    }
    structure = { inputDim: width, hiddenDims: m.structure.hiddenDims };
  }
  let elements: ModelSpec['encoder']['elements'];
  if (m.elements) {
    if (!set.composition) throw new CrucibleError('internal', 'The attention encoder needs element tokens, but the data were loaded without them.');
    const e = m.elements;
    elements = {
      table: e.table,
      tableSha256: set.composition.table.sha256,
      tokenDim: set.composition.table.width,
      dModel: e.dModel,
      heads: e.heads,
      layers: e.layers,
      dimFeedforward: e.dimFeedforward,
      fractionFrequencies: e.fractionFrequencies,
      activation: m.activation,
      dropout: m.dropout,
      withDescriptors: e.withDescriptors,
    };
  }
  const tasks = cfg.tasks.map((t) => {
    const data = set.tasks.find((d) => d.name === t.name);
    if (!data) throw new CrucibleError('internal', `Task "${t.name}" was not assembled.`);
    const width = data.kind === 'classification' ? data.classes!.length : data.width;
    if (t.numClasses !== null && data.kind === 'classification' && t.numClasses !== width) {
      throw new CrucibleError(
        'bad-config',
        `Task "${t.name}" declares num_classes ${t.numClasses}, but its column holds ${width} classes (${data.classes!.join(', ')}).`,
      );
    }
    if (t.outputWidth !== null && data.kind === 'regression' && t.outputWidth !== width) {
      throw new CrucibleError('bad-config', `Task "${t.name}" declares ${t.outputWidth} outputs, but its column holds ${width} values per row.`);
    }
    return {
      name: t.name,
      kind: t.kind,
      head: t.head,
      headOptions: t.headOptions,
      data: { width, ...(data.kind === 'sequence' ? { steps: stepsInfo(set, data) } : {}) },
      ...(t.lora && { lora: { rank: t.lora.rank, alpha: t.lora.alpha } }),
    };
  });
  return {
    encoder: {
      inputDim,
      hiddenDims: m.hiddenDims,
      depositDim: m.depositDim,
      activation: m.activation,
      norm: m.norm,
      residual: m.residual,
      dropout: m.dropout,
      structure,
      ...(elements && { elements }),
    },
    tasks,
    ...(m.lora && { lora: m.lora }),
  };
}
