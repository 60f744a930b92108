/**
 * Form fields from a zod options schema (a head's or a strategy's), so the UI offers exactly the
 * options the engine accepts, with its defaults and bounds, and nothing is listed twice.
 */
import { z } from 'zod';
import type { OptionField } from '../contract';

interface JsonProperty {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonProperty;
}

// zod writes "any safe integer" as a bound; a form shows no bound then.
const bound = (v: number | undefined) => (v === undefined || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? null : v);

function field(key: string, p: JsonProperty): OptionField {
  const base = { key, default: p.default ?? null, min: null, max: null, choices: null };
  if (p.enum) return { ...base, kind: 'choice', choices: p.enum.map(String) };
  if (p.type === 'boolean') return { ...base, kind: 'boolean' };
  if (p.type === 'integer' || p.type === 'number') {
    const integer = p.type === 'integer';
    // An exclusive integer bound x means x + 1; for reals the form's min is a hint and the schema decides.
    const min = p.minimum ?? (p.exclusiveMinimum === undefined ? undefined : p.exclusiveMinimum + (integer ? 1 : 0));
    return { ...base, kind: integer ? 'integer' : 'number', min: bound(min), max: bound(p.maximum ?? p.exclusiveMaximum) };
  }
  if (p.type === 'array' && p.items?.type === 'integer') return { ...base, kind: 'integer-list', min: 1 };
  return { ...base, kind: 'text' };
}

/** The fields of an object schema, in declaration order. */
export function optionFields(schema: z.ZodType): OptionField[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonProperty> };
  return Object.entries(json.properties ?? {}).map(([key, p]) => field(key, p));
}

/** The schema's defaults as a plain object (what an empty options object parses to). */
export function optionDefaults(schema: z.ZodType): Record<string, unknown> {
  return Object.fromEntries(optionFields(schema).map((f) => [f.key, f.default]));
}
