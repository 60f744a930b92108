/** Parses the compact column specs of the import options: `--curve Y[,Y2…]:X` and `--long ID[+ID2…],X,Y[,Y2…]`. */
import { CrucibleError } from '../../errors';
import type { Curve } from '../../project/schema';
import type { LongSpec } from './types';

const names = (text: string, sep: string) => text.split(sep).map((s) => s.trim());

/** `dos:frequency_grid` → one curve; `seebeck,zt:temperature` → two curves on the same x column. */
export function parseCurveSpec(text: string): Curve[] {
  const parts = text.split(':');
  const ys = parts.length === 2 ? names(parts[0], ',') : [];
  const x = parts.length === 2 ? parts[1].trim() : '';
  if (!x || ys.length === 0 || ys.some((y) => !y)) {
    throw new CrucibleError('bad-input', `The curve spec "${text}" is not of the form Y:X.`, {
      hint: 'Name the list column and its x column, e.g. --curve dos:frequency_grid (several y columns: --curve a,b:x).',
    });
  }
  return ys.map((y) => ({ y, x }));
}

/**
 * `formula,temperature_K,seebeck_uV_K,ZT` → curves identified by formula, x = temperature_K, two y columns.
 * The ID may join several columns with '+' (`formula+reference_doi`) when one column does not identify a curve.
 */
export function parseLongSpec(text: string): LongSpec {
  const parts = names(text, ',');
  if (parts.length < 3 || parts.some((p) => !p)) {
    throw new CrucibleError('bad-input', `The long-format spec "${text}" is not of the form ID,X,Y.`, {
      hint: 'Name the column(s) identifying a curve, the x column and at least one y column, e.g. --long formula,load_N,hardness_GPa.',
    });
  }
  const id = names(parts[0], '+');
  if (id.some((c) => !c)) throw new CrucibleError('bad-input', `The curve ID "${parts[0]}" has an empty column name.`, { hint: 'Join ID columns with +, e.g. formula+reference_doi.' });
  return { id, x: parts[1], y: parts.slice(2) };
}
