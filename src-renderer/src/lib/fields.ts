/**
 * Validation problems in the words of the screen. The schemas the contract shares speak of keys and types
 * ("batchSize: Too small: expected number to be >=1"); each issue becomes one sentence naming the field as
 * its form labels it and saying what to enter ("Batch size must be a whole number of at least 1."). The labels
 * live here once per form: the form reads them for its fields, the messages for their subjects.
 */
import type { z } from 'zod';
import type { TrainSettings } from '../../../src-main/api/contract';

export interface FieldLabel {
  /** The field's label on the screen. */
  label: string;
  /** One entry of a list field, for messages about a single entry ("width"). */
  item?: string;
}

export type FieldLabels<T> = { readonly [K in keyof T & string]: FieldLabel };

/** The run settings of the Train and Fine-tune pages. */
export const TRAIN_FIELDS: FieldLabels<TrainSettings> = {
  name: { label: 'Run name' },
  strategy: { label: 'Loss weighting' },
  backend: { label: 'Compute backend' },
  maxEpochs: { label: 'Epochs' },
  patience: { label: 'Patience (epochs without improvement)' },
  seed: { label: 'Seed' },
  batchSize: { label: 'Batch size' },
  learningRate: { label: 'Learning rate' },
  valSplit: { label: 'Validation fraction' },
  testSplit: { label: 'Test fraction' },
  featurizer: { label: 'Formula descriptors' },
  sharedDims: { label: 'Shared encoder widths', item: 'width' },
  ensembleSize: { label: 'Ensemble' },
  intervalCoverage: { label: 'Coverage' },
};

type Issue = z.core.$ZodIssue;

/** Top-level field → the sentence for its first problem, for the values `schema` refused. */
export function fieldProblems<T>(schema: z.ZodType, value: unknown, labels: FieldLabels<T>): Record<string, string> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return {};
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '';
    problems[key] ??= describeIssue(issue, labels[key as keyof FieldLabels<T>] ?? { label: key || 'This form' }, schemaAt(schema, issue.path));
  }
  return problems;
}

/** One issue as a sentence about `field`; `schema` is the part of the schema the issue is about (for whole numbers). */
export function describeIssue(issue: Issue, field: FieldLabel, schema?: unknown): string {
  // An issue about one entry of a list field (path [field, index]).
  const entry = issue.path.length > 1 && typeof issue.path[1] === 'number';
  const subject = entry ? `Each ${field.item ?? 'entry'} of ${field.label}` : field.label;
  const number = isWholeNumber(schema) ? 'a whole number' : 'a number';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return `${subject} must be a whole number.`;
      if (issue.expected === 'number') return entry ? `${subject} must be a number.` : emptyProblem(field);
      if (issue.expected === 'string') return `Enter a value for ${field.label}.`;
      return `${field.label} is missing.`;
    case 'too_small':
      if (issue.origin === 'number') return `${subject} must be ${number} ${issue.inclusive ? 'of at least' : 'above'} ${shown(issue.minimum)}.`;
      if (issue.origin === 'array') return `Enter at least ${counted(issue.minimum, field.item ?? 'entry')} in ${field.label}.`;
      if (issue.origin === 'string' && Number(issue.minimum) <= 1) return `${field.label} cannot be empty.`;
      if (issue.origin === 'string') return `${field.label} must be at least ${counted(issue.minimum, 'character')}.`;
      break;
    case 'too_big':
      if (issue.origin === 'number') return `${subject} must be ${number} ${issue.inclusive ? 'of at most' : 'below'} ${shown(issue.maximum)}.`;
      if (issue.origin === 'array') return `${field.label} takes at most ${counted(issue.maximum, field.item ?? 'entry')}.`;
      if (issue.origin === 'string') return `${field.label} must be at most ${counted(issue.maximum, 'character')}.`;
      break;
    case 'invalid_value':
      return `${field.label} must be one of ${issue.values.map(String).join(', ')}.`;
  }
  // The schema's own words (a rule such as "Letters, digits, spaces, . _ - only."), said of the field.
  return `${subject}: ${issue.message.charAt(0).toLowerCase()}${issue.message.slice(1)}`;
}

/** The problem of a number field left empty (or holding no number). */
export function emptyProblem(field: FieldLabel): string {
  return `Enter a number for ${field.label}.`;
}

function shown(bound: number | bigint): string {
  return typeof bound === 'number' ? bound.toLocaleString('en', { maximumFractionDigits: 6 }) : bound.toString();
}

function counted(n: number | bigint, noun: string): string {
  return `${shown(n)} ${noun}${Number(n) === 1 ? '' : 's'}`;
}

/** Whether `schema` (past defaults and nullables) takes whole numbers only. */
function isWholeNumber(schema: unknown): boolean {
  const inner = unwrapped(schema) as { isInt?: boolean } | undefined;
  return inner?.isInt === true;
}

/** Defaults, optionals and nullables wrap the schema that judges the value. */
function unwrapped(schema: unknown): unknown {
  let s = schema as { unwrap?: () => unknown } | undefined;
  while (s && typeof s.unwrap === 'function' && !('shape' in s) && !('element' in s)) s = s.unwrap() as typeof s;
  return s;
}

/** The part of an object schema at `path` (object keys and list indices), or undefined where it cannot be followed. */
function schemaAt(schema: unknown, path: readonly PropertyKey[]): unknown {
  let s = schema;
  for (const key of path) {
    const inner = unwrapped(s) as { shape?: Record<string, unknown>; element?: unknown } | undefined;
    s = typeof key === 'number' ? inner?.element : inner?.shape?.[String(key)];
    if (s === undefined) return undefined;
  }
  return s;
}
