/**
 * Formulas as element tokens for attention encoders (CrabNet, Wang et al. 2021; Roost, Goodall & Lee
 * 2020): each row becomes up to L (element, atomic fraction) pairs, and each element carries its row of a
 * fixed element table. The table lookup happens here, on the host, so the network's first learnable
 * layer is a dense projection: no embedding gather has to be trained (tfjs-wasm has no gradient kernel
 * for it) and the exported graph takes plain float inputs.
 */
import { CrucibleError, isCrucibleError } from '../../errors';
import type { CompositionData, ElementTokenTable } from '../dataset/types';
import { FormulaScanner } from '../formula/formula-scanner';
import { ELEMENT_SYMBOLS, MAX_ATOMIC_NUMBER } from '../formula/periodic-table';
import { loadElementTable } from './element-table';
import type { FeaturizeFailure } from './featurizer';
import { imputeMedians } from './impute';
import { FEATURIZER_TABLES, type FeaturizerId } from './index';

const tables = new Map<string, ElementTokenTable>();

/**
 * The element table of featurizer `id` as token features: missing values filled with the property's
 * median (as the featurizers do), then every property standardised over the table's elements, so token
 * features are O(1) whatever the table's units. Elements the table lacks keep all-zero rows and are
 * refused by {@link tokenizeFormulas}.
 */
export function elementTokenTable(id: FeaturizerId): ElementTokenTable {
  const cached = tables.get(id);
  if (cached) return cached;
  const table = loadElementTable(FEATURIZER_TABLES[id]);
  const { values } = imputeMedians(table);
  const width = table.propertyNames.length;
  const out = new Float32Array((MAX_ATOMIC_NUMBER + 1) * width);
  for (let p = 0; p < width; p++) {
    let n = 0;
    let sum = 0;
    let squares = 0;
    for (let z = 1; z <= MAX_ATOMIC_NUMBER; z++) {
      if (!table.present[z]) continue;
      n++;
      sum += values[z * width + p];
    }
    const mean = sum / n;
    for (let z = 1; z <= MAX_ATOMIC_NUMBER; z++) if (table.present[z]) squares += (values[z * width + p] - mean) ** 2;
    const std = Math.sqrt(squares / n) || 1;
    for (let z = 1; z <= MAX_ATOMIC_NUMBER; z++) if (table.present[z]) out[z * width + p] = (values[z * width + p] - mean) / std;
  }
  const tokenTable: ElementTokenTable = { id, sha256: table.sha256, width, values: out, present: table.present };
  tables.set(id, tokenTable);
  return tokenTable;
}

export interface TokenizedFormulas {
  composition: CompositionData;
  /** Rows that could not be tokenized (their tokens are padding). */
  failures: FeaturizeFailure[];
}

/**
 * Element tokens of every formula, in first-seen order (repeated elements summed), padded to the largest
 * element count (at least `minElements`). A formula that does not parse, or has an element the table
 * lacks, fails with the reason.
 */
export function tokenizeFormulas(formulas: ArrayLike<string | null | undefined>, table: ElementTokenTable, minElements = 1): TokenizedFormulas {
  const scanner = new FormulaScanner();
  const n = formulas.length;
  const counts = new Uint8Array(n);
  const rows: { elements: Int32Array; fractions: Float64Array }[] = [];
  const failures: FeaturizeFailure[] = [];
  let maxElements = minElements;
  for (let r = 0; r < n; r++) {
    const text = formulas[r] ?? '';
    let count: number;
    try {
      count = scanner.scan(text);
    } catch (e) {
      if (!isCrucibleError(e)) throw e;
      failures.push({ index: r, reason: e.message, hint: e.hint });
      rows.push({ elements: new Int32Array(0), fractions: new Float64Array(0) });
      continue;
    }
    const missing = Array.from(scanner.elements.subarray(0, count)).find((z) => !table.present[z]);
    if (missing !== undefined) {
      failures.push({
        index: r,
        reason: `Cannot tokenize "${text}": element ${ELEMENT_SYMBOLS[missing]} is not in the ${table.id} element table.`,
        hint: 'Choose an element table that covers it, or leave the row out.',
      });
      rows.push({ elements: new Int32Array(0), fractions: new Float64Array(0) });
      continue;
    }
    let total = 0;
    for (let k = 0; k < count; k++) total += scanner.amounts[k];
    rows.push({ elements: scanner.elements.slice(0, count), fractions: Float64Array.from(scanner.amounts.subarray(0, count), (a) => a / total) });
    counts[r] = count;
    if (count > maxElements) maxElements = count;
  }
  if (maxElements > 255) throw new CrucibleError('bad-input', `A formula has ${maxElements} distinct elements; at most 255 are supported.`);
  const elements = new Uint8Array(n * maxElements);
  const fractions = new Float32Array(n * maxElements);
  rows.forEach((row, r) => {
    elements.set(row.elements, r * maxElements);
    fractions.set(row.fractions, r * maxElements);
  });
  return { composition: { maxElements, elements, fractions, table }, failures };
}

/**
 * The token inputs of `rows` (indices into `c`), padded to the largest element count among them:
 * features [B, L, width] (each token its element's table row, padding zeros) and fractions [B, L].
 */
export function gatherTokens(c: CompositionData, rows: ArrayLike<number>): { length: number; features: Float32Array; fractions: Float32Array } {
  const m = c.maxElements;
  let length = 1;
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i] * m;
    let k = m;
    while (k > 0 && c.elements[base + k - 1] === 0) k--;
    if (k > length) length = k;
  }
  const w = c.table.width;
  const features = new Float32Array(rows.length * length * w);
  const fractions = new Float32Array(rows.length * length);
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i] * m;
    for (let k = 0; k < length; k++) {
      const z = c.elements[base + k];
      if (z === 0) continue;
      fractions[i * length + k] = c.fractions[base + k];
      features.set(c.table.values.subarray(z * w, (z + 1) * w), (i * length + k) * w);
    }
  }
  return { length, features, fractions };
}
