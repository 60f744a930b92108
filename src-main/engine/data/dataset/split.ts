/**
 * Train/val/test assignment by formula group: a user's split column where given, otherwise a seeded random
 * split in which the rarest tasks claim their held-out share first.
 */
import { CrucibleError } from '../../errors';
import { Rng, deriveSeed } from '../../util/random';
import { locate, type RowOrigin } from './columns';
import { SPLIT_NAMES, SPLIT_TEST, SPLIT_TRAIN, SPLIT_VAL, type SplitCode } from './types';

export interface SplitOptions {
  /** Fraction of (unlabelled) formula groups for validation; default 0.1. */
  valFraction?: number;
  /** Fraction of (unlabelled) formula groups for testing; default 0.1. */
  testFraction?: number;
  /** The user's seed; the split draws from `deriveSeed(seed, 'split')`. */
  seed: number;
  /** Put every row in the test split (evaluating a trained model on a whole data set). */
  testAll?: boolean;
}

export interface SplitInput {
  /** The grouping key (canonical formula) of each row. */
  groups: readonly string[];
  /** Per task, 1 where the row has a label: decides which tasks are rare. */
  taskValid: readonly Uint8Array[];
  /** The split column's raw values, when the data has one; null or blank = split at random. */
  labels?: readonly (string | null)[];
  /** The split column's name, for messages. */
  labelColumn?: string;
  origin?: RowOrigin;
}

export interface SplitResult {
  /** Per row: 0 train, 1 val, 2 test. */
  split: Uint8Array;
  /** Groups whose split came from the split column, and groups split at random. */
  labelledGroups: number;
  randomGroups: number;
  warnings: string[];
}

/** The split-column values Crucible reads, lower-cased, and the split each names. */
export const SPLIT_LABELS: Readonly<Record<string, SplitCode>> = {
  train: SPLIT_TRAIN,
  training: SPLIT_TRAIN,
  val: SPLIT_VAL,
  valid: SPLIT_VAL,
  validation: SPLIT_VAL,
  test: SPLIT_TEST,
};

/** A split-column value as a split code; null for blank (split at random); undefined when not a split name. */
export function parseSplitLabel(value: string | null): SplitCode | null | undefined {
  if (value === null) return null;
  const key = value.trim().toLowerCase();
  return key === '' ? null : SPLIT_LABELS[key];
}

function checkFraction(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value >= 1) {
    throw new CrucibleError('bad-config', `${name} is ${value}; it must be at least 0 and below 1.`, {
      hint: 'Use a fraction such as 0.1 for 10 %.',
    });
  }
}

/**
 * Assigns every row to train, val or test so that rows sharing a group never straddle splits.
 *
 * A split column decides its groups; inside one group the labels must agree, and where they do not the
 * group goes to the highest of test > val > train (with a warning). Groups without a label are split at
 * random as a multi-task splitter does: groups are gathered into chunks, rarest task first (the groups
 * having that task and not yet chunked), then one chunk of groups with no task; each chunk is shuffled and
 * the held-out budget is handed out with cumulative rounding across chunks, so the overall fractions hold
 * even with many small chunks while rare tasks are served first. Fractions count groups, not rows.
 */
export function assignSplits(input: SplitInput, options: SplitOptions): SplitResult {
  const n = input.groups.length;
  const split = new Uint8Array(n);
  if (options.testAll) return { split: split.fill(SPLIT_TEST), labelledGroups: 0, randomGroups: 0, warnings: [] };

  const valFraction = options.valFraction ?? 0.1;
  const testFraction = options.testFraction ?? 0.1;
  checkFraction('The validation fraction', valFraction);
  checkFraction('The test fraction', testFraction);
  if (valFraction + testFraction >= 1) {
    throw new CrucibleError('bad-config', `Validation (${valFraction}) and test (${testFraction}) fractions leave no training rows.`, {
      hint: 'Keep their sum below 1, e.g. 0.1 and 0.1.',
    });
  }

  const groupOf = new Int32Array(n);
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    let g = index.get(input.groups[i]);
    if (g === undefined) index.set(input.groups[i], (g = index.size));
    groupOf[i] = g;
  }
  const groupNames = [...index.keys()];
  const nGroups = groupNames.length;
  const groupSplit = new Int8Array(nGroups).fill(-1);
  const warnings: string[] = [];

  if (input.labels) applyLabels(input, groupOf, groupNames, groupSplit, warnings);

  const unlabelled: number[] = [];
  for (let g = 0; g < nGroups; g++) if (groupSplit[g] < 0) unlabelled.push(g);
  randomSplit(unlabelled, groupsWithTask(input.taskValid, groupOf, nGroups), valFraction, testFraction, new Rng(deriveSeed(options.seed, 'split')), groupSplit);

  for (let i = 0; i < n; i++) split[i] = groupSplit[groupOf[i]];
  return { split, labelledGroups: nGroups - unlabelled.length, randomGroups: unlabelled.length, warnings };
}

function applyLabels(input: SplitInput, groupOf: Int32Array, groupNames: string[], groupSplit: Int8Array, warnings: string[]): void {
  const labels = input.labels!;
  let conflicts = 0;
  let example = '';
  for (let i = 0; i < labels.length; i++) {
    const code = parseSplitLabel(labels[i]);
    if (code === undefined) {
      throw new CrucibleError('bad-input', `Split value "${labels[i]}" is not a split name.`, {
        location: locate(input.origin ?? {}, i, input.labelColumn),
        hint: 'Use train, val (or validation) or test, or leave the cell empty to split the row at random.',
      });
    }
    if (code === null) continue;
    const g = groupOf[i];
    const previous = groupSplit[g];
    if (previous >= 0 && previous !== code) {
      if (conflicts++ === 0) example = `"${groupNames[g]}" has ${SPLIT_NAMES[previous]} and ${SPLIT_NAMES[code]}`;
      groupSplit[g] = Math.max(previous, code);
    } else {
      groupSplit[g] = code;
    }
  }
  if (conflicts > 0) {
    warnings.push(
      `${conflicts} conflicting split label(s) within formula groups (e.g. ${example}); ` +
        'each such group went to the split of highest precedence (test > val > train).',
    );
  }
}

/** Per task, 1 for each group with at least one labelled row. */
function groupsWithTask(taskValid: readonly Uint8Array[], groupOf: Int32Array, nGroups: number): Uint8Array[] {
  return taskValid.map((valid) => {
    const has = new Uint8Array(nGroups);
    for (let i = 0; i < valid.length; i++) if (valid[i]) has[groupOf[i]] = 1;
    return has;
  });
}

function randomSplit(groups: number[], taskGroups: Uint8Array[], valFraction: number, testFraction: number, rng: Rng, out: Int8Array): void {
  const counts = taskGroups.map((has) => groups.reduce((c, g) => c + has[g], 0));
  // Stable sort: equally rare tasks keep their configured order.
  const rarestFirst = counts.map((_, t) => t).sort((a, b) => counts[a] - counts[b]);
  const chunked = new Uint8Array(out.length);
  const chunks: Uint32Array[] = [];
  for (const t of rarestFirst) {
    const chunk = groups.filter((g) => taskGroups[t][g] && !chunked[g]);
    for (const g of chunk) chunked[g] = 1;
    if (chunk.length > 0) chunks.push(Uint32Array.from(chunk));
  }
  const rest = groups.filter((g) => !chunked[g]);
  if (rest.length > 0) chunks.push(Uint32Array.from(rest));

  // Cumulative rounding: each chunk takes what brings the running total to the rounded running target.
  let wantTest = 0;
  let wantVal = 0;
  let gotTest = 0;
  let gotVal = 0;
  for (const chunk of chunks) {
    rng.shuffle(chunk);
    wantTest += chunk.length * testFraction;
    wantVal += chunk.length * valFraction;
    const nTest = Math.min(Math.max(Math.round(wantTest) - gotTest, 0), chunk.length);
    const nVal = Math.min(Math.max(Math.round(wantVal) - gotVal, 0), chunk.length - nTest);
    gotTest += nTest;
    gotVal += nVal;
    for (let k = 0; k < chunk.length; k++) out[chunk[k]] = k < nTest ? SPLIT_TEST : k < nTest + nVal ? SPLIT_VAL : SPLIT_TRAIN;
  }
}
