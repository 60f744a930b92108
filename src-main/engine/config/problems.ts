/**
 * Config problems as users read them: errors that name the full key path, the offending value and the line of the
 * key, with the nearest valid key suggested for a misspelt one; and notices for keys that are accepted but ignored.
 */
import type { z } from 'zod';
import { CrucibleError, type ErrorCode } from '../errors';
import { nearestName, suggestionHint } from '../util/suggest';

export type KeyPath = readonly (string | number)[];

/** A key Crucible accepted but does not act on (a Lightning device switch, a logger, …). */
export interface ConfigNotice {
  /** The key path, e.g. `trainer.accelerator`. */
  path: string;
  /** 1-based line of the key in the config file, when the config came from a file. */
  line: number | null;
  message: string;
}

/** Where problems are reported: the config file (if any), a key path → line lookup, and the notices so far. */
export interface ConfigScope {
  file?: string;
  lineOf(path: KeyPath): number | undefined;
  notices: ConfigNotice[];
}

/** `model.init_args.task_configs[1].subtype`; keys that are not identifiers are quoted: `task_masking_ratios["band gap"]`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** A value as a message shows it: text quoted, lists and mappings as short JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}

export function valueAt(root: unknown, path: KeyPath): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** A key as another key's error message mentions it: its path, and its line when known. */
export function keyRef(scope: ConfigScope, path: KeyPath): string {
  const line = scope.lineOf(path);
  return `${formatPath(path)}${line === undefined ? '' : ` (line ${line})`}`;
}

export function configError(scope: ConfigScope, path: KeyPath, message: string, hint?: string, code: ErrorCode = 'bad-config'): CrucibleError {
  const row = scope.lineOf(path);
  const location = scope.file !== undefined || row !== undefined ? { file: scope.file, row } : undefined;
  return new CrucibleError(code, message, { location, hint });
}

export function addNotice(scope: ConfigScope, path: KeyPath, message: string): void {
  scope.notices.push({ path: formatPath(path), line: scope.lineOf(path) ?? null, message });
}

/** The error for a key that is not valid at `path`, suggesting the nearest of `candidates`. */
export function unknownKeyError(scope: ConfigScope, path: KeyPath, candidates: readonly string[], hint?: string): CrucibleError {
  const key = String(path[path.length - 1]);
  return configError(scope, path, `Unknown key "${formatPath(path)}".`, hint ?? suggestionHint(key, candidates, 'key'));
}

/**
 * The value of a setting that two keys can give (the seed renamed keys between versions, e.g. `weight` →
 * `loss_weight`): the one given, or undefined; two different values are an error naming both keys.
 */
export function pickOne<T extends string | number | boolean>(scope: ConfigScope, entries: [KeyPath, T | undefined][]): T | undefined {
  const given = entries.filter((e): e is [KeyPath, T] => e[1] !== undefined);
  for (const [path, value] of given.slice(1)) {
    const [firstPath, firstValue] = given[0];
    if (value !== firstValue) {
      throw configError(
        scope,
        path,
        `${formatPath(path)} is ${describeValue(value)} but ${keyRef(scope, firstPath)} is ${describeValue(firstValue)}; both set the same thing.`,
        'Keep one of the two keys.',
      );
    }
  }
  return given[0]?.[1];
}

// --- zod schemas, walked to find the keys valid at a path -------------------------------------------------------

interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  items?: z.ZodType[];
  options?: z.ZodType[];
  discriminator?: string;
  getter?: () => z.ZodType;
  values?: unknown[];
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** Strips wrappers (optional, default, pipe, …) and picks the union member that fits `value`. */
function unwrap(schema: z.ZodType, value: unknown): z.ZodType {
  for (;;) {
    const def = defOf(schema);
    if (def.innerType && ['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) {
      schema = def.innerType;
    } else if (def.type === 'pipe' && def.in && def.out) {
      schema = defOf(def.in).type === 'transform' ? def.out : def.in;
    } else if (def.type === 'lazy' && def.getter) {
      schema = def.getter();
    } else if (def.type === 'union' && def.options) {
      // A discriminated union picks the member whose tag matches the value's; any other union its first object.
      const members = def.options.map((o) => unwrap(o, value)).filter((o) => defOf(o).shape);
      const tag = def.discriminator === undefined ? undefined : valueAt(value, [def.discriminator]);
      const tagged = members.find((o) => {
        const tagSchema = defOf(o).shape?.[def.discriminator ?? ''];
        return tagSchema !== undefined && (defOf(tagSchema).values ?? []).includes(tag);
      });
      const chosen = tagged ?? members[0];
      if (!chosen) return schema;
      schema = chosen;
    } else {
      return schema;
    }
  }
}

/** The keys an object schema accepts, or undefined when the schema is not a plain object. */
export function objectKeys(schema: z.ZodType, value?: unknown): string[] | undefined {
  const shape = defOf(unwrap(schema, value)).shape;
  return shape ? Object.keys(shape) : undefined;
}

/** The sub-schema that validates the value at `path` below `schema` (whose value is `root`). */
function schemaAt(schema: z.ZodType, root: unknown, path: KeyPath): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  let v = root;
  for (const seg of path) {
    if (!s) return undefined;
    const def = defOf(unwrap(s, v));
    if (def.shape) s = def.shape[String(seg)];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'record') s = def.valueType;
    else if (def.type === 'tuple') s = def.items?.[Number(seg)];
    else return undefined;
    v = valueAt(v, [seg]);
  }
  return s;
}

// --- zod issues → errors -------------------------------------------------------------------------------------------

const EXPECTED: Record<string, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a mapping of keys to values',
  record: 'a mapping of keys to values',
  null: 'null',
};

/** zod's own messages start like this; any other message was written for the schema and is shown as is. */
const ZOD_DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)/;

function explain(issue: z.core.$ZodIssue): { text: string; hint?: string } {
  const value = issue.input;
  if (issue.message && !ZOD_DEFAULT_MESSAGE.test(issue.message)) return { text: issue.message };
  switch (issue.code) {
    case 'invalid_type':
      return { text: `expected ${EXPECTED[issue.expected] ?? issue.expected}` };
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'array') return { text: `must have at least ${min} ${min === 1 ? 'entry' : 'entries'}` };
      if (issue.origin === 'string') return { text: 'must not be empty' };
      return { text: `must be ${issue.inclusive ? 'at least' : 'greater than'} ${min}` };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'array') return { text: `must have at most ${max} ${max === 1 ? 'entry' : 'entries'}` };
      return { text: `must be ${issue.inclusive ? 'at most' : 'less than'} ${max}` };
    }
    case 'invalid_value':
      return oneOf(issue.values.map(String), value);
    case 'invalid_union':
      // A discriminated union whose tag matched no member lists the valid tags.
      if ('options' in issue && issue.options?.length) return oneOf(issue.options.map(String), value);
      return { text: 'has the wrong type' };
    default:
      return { text: issue.message };
  }
}

function oneOf(values: string[], value: unknown): { text: string; hint?: string } {
  const nearest = typeof value === 'string' ? nearestName(value, values) : undefined;
  return { text: `must be one of ${values.join(', ')}`, hint: nearest !== undefined ? `Did you mean "${nearest}"?` : undefined };
}

interface Problem {
  path: KeyPath;
  error: () => CrucibleError;
  /** An unknown key: the valid key it is nearest to, if any (a typo of a required key also makes it "missing"). */
  nearest?: string;
  missing?: boolean;
}

const samePath = (a: KeyPath, b: KeyPath) => a.length === b.length && a.every((seg, i) => seg === b[i]);

/** Drops "missing key" problems whose key is present under a misspelt name that another problem already reports. */
function withoutEchoes(problems: Problem[]): Problem[] {
  const misspelt = problems.filter((p) => p.nearest !== undefined).map((p) => [...p.path.slice(0, -1), p.nearest as string]);
  return problems.filter((p) => !p.missing || !misspelt.some((m) => samePath(m, p.path)));
}

function problemsOf(scope: ConfigScope, schema: z.ZodType, input: unknown, basePath: KeyPath, issue: z.core.$ZodIssue, subject: string): Problem[] {
  const local = issue.path.map((seg) => (typeof seg === 'symbol' ? String(seg) : seg));
  const path = [...basePath, ...local];
  if (issue.code === 'unrecognized_keys') {
    const owner = schemaAt(schema, input, local);
    const ownerValue = valueAt(input, local);
    const candidates = (owner && objectKeys(owner, ownerValue)) ?? [];
    return issue.keys.map((key) => ({
      path: [...path, key],
      nearest: nearestName(key, candidates),
      error: () => {
        // A key valid one level down (`model.shared_block_dims`) belongs under that child (`model.init_args`).
        const home = candidates.find((c) => {
          const child = owner && schemaAt(owner, ownerValue, [c]);
          return child !== undefined && (objectKeys(child, valueAt(ownerValue, [c])) ?? []).includes(key);
        });
        const hint = nearestName(key, candidates) === undefined && home !== undefined ? `"${key}" belongs under "${formatPath([...path, home])}".` : undefined;
        return unknownKeyError(scope, [...path, key], candidates, hint);
      },
    }));
  }
  const value = valueAt(input, local);
  return [
    {
      path,
      missing: value === undefined && issue.code === 'invalid_type',
      error: () => {
        const { text, hint } = explain({ ...issue, input: value } as z.core.$ZodIssue);
        const message =
          value === undefined && issue.code === 'invalid_type'
            ? `Missing key "${formatPath(path)}" (${text}).`
            : `${formatPath(path)} is ${describeValue(value)}; ${text}.`;
        return configError(scope, path, subject ? `${subject}: ${message}` : message, hint);
      },
    },
  ];
}

/**
 * Parses `input` (the value at `basePath` of the whole config) with `schema`, or throws the first problem in
 * document order as a bad-config error naming the key path and line. `subject` prefixes messages, e.g. `Task "gap"`.
 */
export function checkWith<S extends z.ZodType>(scope: ConfigScope, schema: S, input: unknown, basePath: KeyPath = [], subject = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = withoutEchoes(result.error.issues.flatMap((issue) => problemsOf(scope, schema, input, basePath, issue, subject)));
  const lineOf = (p: Problem) => scope.lineOf(p.path) ?? Infinity;
  const first = problems.reduce((a, b) => (lineOf(b) < lineOf(a) ? b : a));
  const error = first.error();
  if (problems.length === 1) throw error;
  const more = `${problems.length - 1} more problem${problems.length > 2 ? 's' : ''} in this config.`;
  throw new CrucibleError(error.code, error.message, { location: error.location, hint: error.hint ? `${error.hint} ${more}` : more });
}
