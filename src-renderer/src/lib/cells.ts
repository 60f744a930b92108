/** How table cells read on screen: numbers to 4 digits, lists summarised, missing values marked. */
import type { Cell } from '../../../src-main/api/contract';
import { num } from './format';

export function showCell(value: Cell | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return num(value, 6);
  if (Array.isArray(value)) {
    const head = value
      .slice(0, 3)
      .map((v) => num(v, 3))
      .join(', ');
    return `[${value.length}] ${head}${value.length > 3 ? ', …' : ''}`;
  }
  return String(value);
}

export const KIND_LABEL: Record<string, string> = { number: 'numbers', text: 'text', list: 'list (curve)' };
