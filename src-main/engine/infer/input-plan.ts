/**
 * Decides how an input table feeds a model: descriptor columns by name or formulas featurized on the fly,
 * structure columns, each sequence task's x values (the row's own column or the model's grid), and which
 * input columns the output keeps. Anything missing is refused with what the model needs.
 */
import { suggestionHint } from '../util/suggest';
import { getFeaturizer, type Featurizer } from '../data/featurize/index';
import { formulaColumnOf } from '../data/import/resolve-options';
import { CrucibleError } from '../errors';
import type { BundleManifest, ManifestTask } from '../export/bundle/manifest';
import type { InputTable } from './input-table';

export type DescriptorSource = { kind: 'featurize'; column: string; featurizer: Featurizer } | { kind: 'columns'; columns: string[] };

/** A sequence task's x values: one grid for every row, or each row's own list column. */
export type StepsSource = { kind: 'grid'; grid: number[]; column: string | null } | { kind: 'column'; column: string };

export interface InputPlan {
  descriptors: DescriptorSource;
  /** Structure descriptor columns, or null: every row then counts as having no structure. */
  structure: string[] | null;
  steps: Map<string, StepsSource>;
  /** Input columns copied into the output, in input order. */
  keep: string[];
  /** What the plan decided that the user should know. */
  notes: string[];
}

export interface PlanOptions {
  /** The column holding formulas; default: the model's training formula column, else one named formula or composition. */
  formulaColumn?: string;
  /** Input columns to keep in the output (with any column of x values a curve task reads); default: every input column. */
  keep?: string[];
  /** Whether a sequence task's output has a fixed length (its head ignores the x values, e.g. `vec`). */
  fixedLength: (task: ManifestTask) => boolean;
}

/** Column names that identify rows: `id`, `sample_id`, `material id`, … */
export const ID_LIKE = /(^|[_\s-])id$/i;

function listed(names: readonly string[]): string {
  const shown = names
    .slice(0, 5)
    .map((n) => `"${n}"`)
    .join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

function requireColumn(input: InputTable, name: string, what: string): void {
  if (input.columns.some((c) => c.name === name)) return;
  throw new CrucibleError('bad-input', `The ${what} "${name}" is not a column of ${input.file}.`, {
    location: { file: input.file },
    hint: suggestionHint(
      name,
      input.columns.map((c) => c.name),
      'column',
    ),
  });
}

function descriptorSource(manifest: BundleManifest, input: InputTable, opts: PlanOptions): DescriptorSource {
  const wanted = manifest.input.descriptors.columns;
  const numeric = new Set(input.columns.filter((c) => c.kind === 'number').map((c) => c.name));
  const missing = wanted.filter((c) => !numeric.has(c));
  if (missing.length === 0 && opts.formulaColumn === undefined) return { kind: 'columns', columns: wanted };
  const f = manifest.input.featurizer;
  if (!f) {
    throw new CrucibleError(
      'bad-input',
      `${input.file} lacks ${missing.length} of the ${wanted.length} numeric descriptor columns the model reads: ${listed(missing)}.`,
      {
        location: { file: input.file },
        hint: 'The model was trained on descriptor files; give the same columns (manifest.json lists them under input.descriptors.columns).',
      },
    );
  }
  const texts = input.columns.filter((c) => c.kind === 'text');
  let column = opts.formulaColumn;
  if (column !== undefined) requireColumn(input, column, 'formula column');
  else if (manifest.input.formulaColumn && texts.some((c) => c.name === manifest.input.formulaColumn)) column = manifest.input.formulaColumn;
  else column = formulaColumnOf({}, input.columns) ?? undefined;
  if (column === undefined) {
    throw new CrucibleError('bad-input', `${input.file} has neither a formula column nor the ${wanted.length} descriptor columns the model reads.`, {
      location: { file: input.file },
      hint: `Name the column holding chemical formulas with --formula-column (the model featurizes them with "${f.id}").`,
    });
  }
  if (!texts.some((c) => c.name === column)) {
    throw new CrucibleError(
      'bad-input',
      `Column "${column}" holds ${input.columns.find((c) => c.name === column)!.kind === 'list' ? 'lists' : 'numbers'}, not chemical formulas.`,
      {
        location: { file: input.file, column },
      },
    );
  }
  const featurizer = getFeaturizer(f.id);
  if (featurizer.tableSha256 !== f.tableSha256) {
    throw new CrucibleError(
      'unsupported',
      `The model was trained with a different ${f.id} element table (sha-256 ${f.tableSha256.slice(0, 12)}…) than this Crucible has (${featurizer.tableSha256.slice(0, 12)}…), so formulas would not give its descriptors.`,
      {
        hint: 'Give the descriptor columns in the input instead, or use the Crucible version the model was trained with.',
      },
    );
  }
  return { kind: 'featurize', column, featurizer };
}

function structureSource(manifest: BundleManifest, input: InputTable, notes: string[]): string[] | null {
  const s = manifest.input.structure;
  if (!s) return null;
  const numeric = new Set(input.columns.filter((c) => c.kind === 'number').map((c) => c.name));
  const present = s.columns.filter((c) => numeric.has(c));
  if (present.length === 0) {
    notes.push(`${input.file} has no structure descriptor columns (${listed(s.columns)}): every row is predicted from its composition alone.`);
    return null;
  }
  if (present.length < s.columns.length) {
    throw new CrucibleError(
      'bad-input',
      `${input.file} has only ${present.length} of the ${s.columns.length} structure descriptor columns; missing: ${listed(s.columns.filter((c) => !numeric.has(c)))}.`,
      {
        location: { file: input.file },
        hint: 'Give all of them (empty cells are fine), or none to predict from composition alone.',
      },
    );
  }
  return s.columns;
}

function stepsSource(task: ManifestTask, input: InputTable, opts: PlanOptions, notes: string[]): StepsSource {
  const steps = task.steps!;
  const column = steps.column;
  const has = column !== null && input.columns.some((c) => c.name === column && c.kind === 'list');
  const modelGrid = steps.grid ?? (opts.fixedLength(task) ? Array.from({ length: task.width }, (_, i) => i) : null);
  if (opts.fixedLength(task)) {
    if (has) notes.push(`Task "${task.name}" predicts on its training grid (the ${task.head} head has a fixed length); column "${column}" is not used.`);
    return { kind: 'grid', grid: modelGrid!, column };
  }
  if (has) return { kind: 'column', column: column! };
  if (modelGrid) return { kind: 'grid', grid: modelGrid, column };
  throw new CrucibleError(
    'bad-input',
    `Task "${task.name}" was trained on curves with different x-grids, so ${input.file} needs column "${column}" with each row's x values.`,
    {
      location: { file: input.file },
      hint: `Add "${column}" as a list column (cells like [100, 200, 300]).`,
    },
  );
}

export function planInputs(manifest: BundleManifest, input: InputTable, opts: PlanOptions): InputPlan {
  const notes: string[] = [];
  const descriptors = descriptorSource(manifest, input, opts);
  const structure = structureSource(manifest, input, notes);
  const steps = new Map(manifest.tasks.filter((t) => t.steps).map((t) => [t.name, stepsSource(t, input, opts, notes)]));
  for (const name of opts.keep ?? []) requireColumn(input, name, 'column to keep');
  const stepColumns = new Set([...steps.values()].flatMap((s) => (s.kind === 'column' ? [s.column] : [])));
  const keep = input.columns.filter((c) => !opts.keep || opts.keep.includes(c.name) || stepColumns.has(c.name)).map((c) => c.name);
  return { descriptors, structure, steps, keep, notes };
}
