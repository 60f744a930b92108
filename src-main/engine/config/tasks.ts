/**
 * Task entries: the seed's task configs normalised to ResolvedTask. The head registry owns each head's options, so
 * a task's keys beyond the shared ones are checked against its head's schema here and fail at load time.
 */
import type { TaskKind } from '../data/dataset/types';
import { headType, headTypes } from '../model/heads';
import type { HeadType } from '../model/heads/head';
import { suggestionHint } from '../util/suggest';
import { DEFAULT_HEAD } from '../vocabulary';
import { HEAD_WEIGHT_DECAY, optimizerConfig, resolveOptimizer } from './optimizer';
import { addNotice, checkWith, configError, formatPath, keyRef, objectKeys, pickOne, unknownKeyError, type ConfigScope, type KeyPath } from './problems';
import { AUTO_BOUND, COMMON_TASK_KEYS, SEED_GENERIC_HEAD_KEYS, type TaskConfig } from './schema';
import type { ResolvedTask } from './types';

const TASKS_PATH = ['model', 'init_args', 'task_configs'] as const;

/** Shared task keys that only some kinds of task take. */
const KIND_ONLY_KEYS: Partial<Record<string, readonly TaskKind[]>> = {
  dims: ['regression', 'classification'],
  num_classes: ['classification'],
  class_weights: ['classification'],
  steps_column: ['sequence'],
  t_column: ['sequence'],
  lower_bound: ['regression', 'sequence'],
  upper_bound: ['regression', 'sequence'],
  unit: ['regression', 'sequence'],
};

export interface TaskEnv {
  scope: ConfigScope;
  depositDim: number;
  /** `data.init_args.task_masking_ratios`. */
  maskingRatios: Readonly<Record<string, number>>;
  /** Entries of `model.init_args.loss_weights` that name tasks. */
  lossWeights: Readonly<Record<string, number>>;
  /** Model-level LoRA defaults. */
  lora: { rank: number; alpha: number };
}

const headIdsOfKind = (kind: TaskKind) =>
  Object.values(headTypes)
    .filter((h) => h.kind === kind)
    .map((h) => h.id);

/** The registered head the task names (`subtype`), or its type's default head. */
function chooseHead(env: TaskEnv, path: KeyPath, task: TaskConfig, kind: TaskKind, subject: string): HeadType<Record<string, unknown>> {
  const implied = task.type === 'kernel_regression' ? 'kernel_regression' : undefined;
  const id = task.subtype ?? implied ?? DEFAULT_HEAD[kind];
  const subtypePath = [...path, task.subtype === undefined ? 'type' : 'subtype'];
  if (implied !== undefined && id !== implied) {
    throw configError(
      env.scope,
      subtypePath,
      `${subject}: type KernelRegression takes the kernel_regression head, not "${id}".`,
      'Remove subtype, or make the type SEQUENCE.',
    );
  }
  const head = headType(id);
  const choices = headIdsOfKind(kind);
  if (!head) throw configError(env.scope, subtypePath, `${subject}: there is no ${kind} head "${id}".`, suggestionHint(id, choices, `${kind} head`));
  if (head.kind !== kind) {
    throw configError(
      env.scope,
      subtypePath,
      `${subject}: subtype "${id}" is a ${head.kind} head, but the task type is ${kind}.`,
      `Use one of: ${choices.join(', ')}.`,
    );
  }
  return head;
}

/** `d_in` and the first entry of `dims` are the head's input width, which is the deposit layer's. */
function checkHeadInputWidth(env: TaskEnv, path: KeyPath, width: number | undefined, subject: string): void {
  if (width !== undefined && width !== env.depositDim) {
    throw configError(
      env.scope,
      path,
      `${subject}: ${formatPath(path.slice(TASKS_PATH.length + 1))} is ${width}, but heads read the deposit layer, which is ${env.depositDim} wide.`,
      `Make it ${env.depositDim}.`,
    );
  }
}

/** The head options of `task` (its keys beyond the shared ones, with the seed's `dims` as `hidden_dims`), checked by the head. */
function headOptions(env: TaskEnv, path: KeyPath, task: TaskConfig, kind: TaskKind, head: HeadType<Record<string, unknown>>, subject: string) {
  const given: Record<string, unknown> = {};
  let outputWidth: number | null = null;
  if (task.dims !== undefined) {
    const dimsPath = [...path, 'dims'];
    if ('hidden_dims' in task) throw configError(env.scope, dimsPath, `${subject}: both dims and hidden_dims are set.`, 'Keep one of the two keys.');
    checkHeadInputWidth(env, [...dimsPath, 0], task.dims[0], subject);
    if (kind === 'regression') {
      if (task.dims.length < 2) {
        throw configError(
          env.scope,
          dimsPath,
          `${subject}: dims must end with the output width: [input, hidden…, output].`,
          `For a single value: [${env.depositDim}, 1].`,
        );
      }
      given.hidden_dims = task.dims.slice(1, -1);
      outputWidth = task.dims[task.dims.length - 1];
    } else {
      given.hidden_dims = task.dims.slice(1);
    }
  }
  const known = objectKeys(head.options);
  for (const [key, value] of Object.entries(task)) {
    if (COMMON_TASK_KEYS.includes(key)) continue;
    if (known === undefined || known.includes(key)) {
      given[key] = value;
    } else if (SEED_GENERIC_HEAD_KEYS[kind].includes(key)) {
      addNotice(env.scope, [...path, key], `The ${head.id} head has no "${key}" option; ignored.`);
    } else {
      const shared = COMMON_TASK_KEYS.filter((k) => KIND_ONLY_KEYS[k]?.includes(kind) ?? true);
      throw unknownKeyError(env.scope, [...path, key], [...shared, ...(known ?? [])]);
    }
  }
  const options: Record<string, unknown> = checkWith(env.scope, head.options, given, path, subject);
  return { options, outputWidth };
}

function resolveLora(env: TaskEnv, path: KeyPath, task: TaskConfig, subject: string): ResolvedTask['lora'] {
  if (task.lora_enabled !== true) {
    if (task.lora_rank) addNotice(env.scope, [...path, 'lora_rank'], `${subject}: lora_enabled is not true, so no LoRA adapter is added.`);
    return null;
  }
  const rank = task.lora_rank ?? (env.lora.rank > 0 ? env.lora.rank : 8);
  if (rank === 0)
    throw configError(env.scope, [...path, 'lora_rank'], `${subject}: lora_enabled is true but lora_rank is 0.`, 'Use a rank of at least 1, e.g. 8.');
  return { rank, alpha: task.lora_alpha ?? env.lora.alpha, freezeBase: task.lora_freeze_base ?? true };
}

function resolveTask(env: TaskEnv, index: number, task: TaskConfig): ResolvedTask {
  const path = [...TASKS_PATH, index];
  const subject = `Task "${task.name}"`;
  const kind: TaskKind = task.type === 'kernel_regression' ? 'sequence' : task.type;
  for (const [key, kinds] of Object.entries(KIND_ONLY_KEYS)) {
    if (task[key] !== undefined && !kinds?.includes(kind)) {
      throw configError(
        env.scope,
        [...path, key],
        `${subject}: ${key} applies to ${kinds?.join(' and ')} tasks only, and this is a ${kind} task.`,
        `Remove ${key}.`,
      );
    }
  }
  checkHeadInputWidth(env, [...path, 'd_in'], task.d_in, subject);
  const head = chooseHead(env, path, task, kind, subject);
  const { options, outputWidth } = headOptions(env, path, task, kind, head, subject);

  const steps = pickOne(env.scope, [
    [[...path, 'steps_column'], task.steps_column],
    [[...path, 't_column'], task.t_column],
  ]);
  const optimizer = resolveOptimizer(env.scope, [...path, 'optimizer'], task.optimizer, HEAD_WEIGHT_DECAY);
  optimizer.freeze =
    pickOne(env.scope, [
      [[...path, 'freeze_parameters'], task.freeze_parameters],
      [[...path, 'optimizer', 'freeze_parameters'], task.optimizer?.freeze_parameters ?? undefined],
    ]) ?? false;
  if (task.class_weights && task.num_classes !== undefined && task.class_weights.length !== task.num_classes) {
    throw configError(
      env.scope,
      [...path, 'class_weights'],
      `${subject}: class_weights has ${task.class_weights.length} entries for ${task.num_classes} classes.`,
      'Give one weight per class.',
    );
  }
  const lower = kind === 'classification' ? null : task.lower_bound === undefined ? AUTO_BOUND : task.lower_bound;
  const upper = task.upper_bound ?? null;
  if (typeof lower === 'number' && upper !== null && !(upper > lower)) {
    throw configError(
      env.scope,
      [...path, 'upper_bound'],
      `${subject}: upper_bound (${upper}) must be above lower_bound (${lower}).`,
      'Swap them, or remove one.',
    );
  }
  return {
    name: task.name,
    kind,
    head: head.id,
    column: task.data_column || task.name,
    stepsColumn: steps || null,
    weight:
      pickOne(env.scope, [
        [[...path, 'loss_weight'], task.loss_weight],
        [[...path, 'weight'], task.weight],
        [['model', 'init_args', 'loss_weights', task.name], env.lossWeights[task.name]],
      ]) ?? 1,
    enabled: task.enabled ?? true,
    maskingRatio:
      pickOne(env.scope, [
        [[...path, 'task_masking_ratio'], task.task_masking_ratio],
        [['data', 'init_args', 'task_masking_ratios', task.name], env.maskingRatios[task.name]],
      ]) ?? 1,
    optimizer,
    lora: resolveLora(env, path, task, subject),
    outputWidth,
    numClasses: task.num_classes ?? null,
    classWeights: task.class_weights ?? null,
    headOptions: options,
    bounds: { lower, upper },
    ...(task.unit !== undefined && { unit: task.unit }),
  };
}

/** Resolves every task entry; task names must be unique. */
export function resolveTasks(env: TaskEnv, tasks: readonly TaskConfig[]): ResolvedTask[] {
  const seen = new Map<string, number>();
  tasks.forEach((task, i) => {
    const first = seen.get(task.name);
    if (first !== undefined) {
      throw configError(
        env.scope,
        [...TASKS_PATH, i, 'name'],
        `Two tasks are named "${task.name}": this one and ${keyRef(env.scope, [...TASKS_PATH, first, 'name'])}.`,
        'Give every task a unique name.',
      );
    }
    seen.set(task.name, i);
  });
  return tasks.map((task, i) => resolveTask(env, i, task));
}

/** The config entry of a resolved task: every value explicit, head options flat as the seed writes them. */
export function taskConfig(task: ResolvedTask, depositDim: number): Record<string, unknown> {
  const { hidden_dims: hiddenDims, ...options } = task.headOptions;
  const sizes =
    task.outputWidth !== null && Array.isArray(hiddenDims)
      ? { dims: [depositDim, ...hiddenDims, task.outputWidth] }
      : hiddenDims === undefined
        ? {}
        : { hidden_dims: hiddenDims };
  return {
    name: task.name,
    type: task.kind.toUpperCase(),
    subtype: task.head,
    data_column: task.column,
    ...(task.stepsColumn !== null && { steps_column: task.stepsColumn }),
    enabled: task.enabled,
    loss_weight: task.weight,
    optimizer: optimizerConfig(task.optimizer),
    lora_enabled: task.lora !== null,
    ...(task.lora && { lora_rank: task.lora.rank, lora_alpha: task.lora.alpha, lora_freeze_base: task.lora.freezeBase }),
    ...(task.numClasses !== null && { num_classes: task.numClasses }),
    ...(task.classWeights !== null && { class_weights: task.classWeights }),
    ...(task.kind !== 'classification' && { lower_bound: task.bounds.lower }),
    ...(task.bounds.upper !== null && { upper_bound: task.bounds.upper }),
    ...(task.unit !== undefined && { unit: task.unit }),
    ...sizes,
    ...options,
  };
}
