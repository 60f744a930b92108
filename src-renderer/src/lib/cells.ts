/** How table cells read on screen: numbers to 6 digits (a task's values as `shown` says), lists summarised, missing values marked. */
import type { Cell } from '../../../src-main/api/contract';
import { num, shown } from './format';

/** `decimals`: the cell holds a task's values, shown with those decimals (null: 4 significant digits); absent: data as read. */
export function showCell(value: Cell | undefined, decimals?: number | null): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return decimals === undefined ? num(value, 6) : shown(value, decimals);
  if (Array.isArray(value)) {
    const head = value
      .slice(0, 3)
      .map((v) => (decimals === undefined ? num(v, 3) : shown(v, decimals)))
      .join(', ');
    return `[${value.length}] ${head}${value.length > 3 ? ', …' : ''}`;
  }
  return String(value);
}

export const KIND_LABEL: Record<string, string> = { number: 'numbers', text: 'text', list: 'list (curve)' };
