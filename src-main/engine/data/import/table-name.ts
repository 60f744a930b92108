/** Table names: the default one derived from a file name, and the rule a user-chosen one must follow. */
import { basename, extname } from 'node:path';
import { CrucibleError } from '../../errors';
import { INTERNAL_TABLE_PREFIX } from '../store/data-store';
import { TABLE_NAME_PATTERN, TABLE_NAME_RULE } from '../../util/ids';


/** `Band gaps (2024).csv` → `band_gaps_2024`; names starting with a digit get a `t_` prefix. */
export function defaultTableName(file: string): string {
  const stem = basename(file, extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  if (!stem) return 'table';
  return /^[0-9]/.test(stem) ? `t_${stem}` : stem;
}

/** Throws bad-input unless `name` is letters, digits and _, starting with a letter, at most 63 characters. */
export function checkTableName(name: string): void {
  if (!TABLE_NAME_PATTERN.test(name) || name.startsWith(INTERNAL_TABLE_PREFIX)) {
    throw new CrucibleError('bad-input', `"${name}" cannot be used as a table name.`, {
      hint: `Use ${TABLE_NAME_RULE}, e.g. "${defaultTableName(name) || 'data'}".`,
    });
  }
}
