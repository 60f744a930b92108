/** Converts DuckDB row values into the contract's cells (numbers, text, flags, numeric lists, null). */
import type { Cell } from '../contract';

export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

export function toCellRow(row: Record<string, unknown>): Record<string, Cell> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toCell(v)]));
}
