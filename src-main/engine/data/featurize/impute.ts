/** Median imputation of the values an element table leaves empty. */
import { CrucibleError } from '../../errors';
import { ELEMENT_SYMBOLS, MAX_ATOMIC_NUMBER } from '../formula/periodic-table';
import type { ElementTable } from './element-table';

/** One property that had gaps: the median used and the elements it was filled in for. */
export interface ImputedProperty {
  readonly property: string;
  readonly median: number;
  /** Symbols of the elements (rows of the table) whose value was missing. */
  readonly elements: readonly string[];
}

export interface ImputedValues {
  /** Same layout as `ElementTable.values`; rows of elements the table has are complete, others stay NaN. */
  readonly values: Float64Array;
  /** Properties that had missing values, in table order. */
  readonly imputed: readonly ImputedProperty[];
}

/**
 * Fills each missing value of a property with that property's median over the table's elements that have
 * it (the mean of the two middle values for an even count). Throws when a property has no value at all.
 */
export function imputeMedians(table: ElementTable): ImputedValues {
  const width = table.propertyNames.length;
  const values = Float64Array.from(table.values);
  const imputed: ImputedProperty[] = [];
  for (let p = 0; p < width; p++) {
    const known: number[] = [];
    const missing: number[] = [];
    for (let z = 1; z <= MAX_ATOMIC_NUMBER; z++) {
      if (!table.present[z]) continue;
      const v = values[z * width + p];
      if (Number.isNaN(v)) missing.push(z);
      else known.push(v);
    }
    if (missing.length === 0) continue;
    if (known.length === 0) {
      throw new CrucibleError('bad-input', `Element property table ${table.file}: property "${table.propertyNames[p]}" has no values.`, {
        location: { file: table.path, row: 1, column: table.propertyNames[p] },
        hint: 'Fill in the column or remove it.',
      });
    }
    known.sort((a, b) => a - b);
    const mid = known.length >> 1;
    const median = known.length % 2 === 1 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
    for (const z of missing) values[z * width + p] = median;
    imputed.push({ property: table.propertyNames[p], median, elements: missing.map((z) => ELEMENT_SYMBOLS[z]) });
  }
  return { values, imputed };
}
