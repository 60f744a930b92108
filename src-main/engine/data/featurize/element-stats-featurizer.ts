/** Magpie-style composition features: statistics of element properties weighted by atomic fraction, plus stoichiometry norms. */
import { CrucibleError, isCrucibleError } from '../../errors';
import { FormulaScanner } from '../formula/formula-scanner';
import { ELEMENT_SYMBOLS, MAX_ATOMIC_NUMBER } from '../formula/periodic-table';
import { loadElementTable } from './element-table';
import type { FeaturizeFailure, Featurizer } from './featurizer';
import { imputeMedians, type ImputedProperty } from './impute';

/** Composition-only features, in output order: the element count, then L^p norms of the fractions. */
export const STOICH_NAMES = ['n_elements', 'norm_2', 'norm_3', 'norm_5', 'norm_7', 'norm_10'];
/** Per-property statistics, in output order. */
export const STAT_NAMES = ['mean', 'mad', 'min', 'max', 'range'];

/**
 * For a composition with atomic fractions f_i (amount / total) and element property values v_i:
 * - stoichiometry (Ward et al. 2016): number of elements, and (Σ f_i^p)^(1/p) for p = 2, 3, 5, 7, 10;
 * - per property: mean = Σ f_i v_i, mad = Σ f_i |v_i − mean| (fraction-weighted mean absolute deviation),
 *   min and max over the elements present (unweighted), range = max − min.
 * Feature names are `<id>:stoich:<name>` then, per property in table order, `<id>:<stat>:<property>`.
 */
export class ElementStatsFeaturizer implements Featurizer {
  readonly featureNames: readonly string[];
  readonly tableFile: string;
  readonly tableSha256: string;
  readonly imputed: readonly ImputedProperty[];
  readonly description: string;

  private readonly width: number;
  private readonly values: Float64Array;
  private readonly present: Uint8Array;
  private readonly elementCount: number;
  private readonly scanner = new FormulaScanner();
  private readonly fractions = new Float64Array(MAX_ATOMIC_NUMBER + 1);
  private readonly rowOffsets = new Int32Array(MAX_ATOMIC_NUMBER + 1);

  /** `source` names the table's origin for the description, e.g. "Magpie elemental properties (Ward et al. 2016)". */
  constructor(readonly id: string, tableFile: string, source: string) {
    const table = loadElementTable(tableFile);
    const { values, imputed } = imputeMedians(table);
    this.tableFile = table.file;
    this.tableSha256 = table.sha256;
    this.width = table.propertyNames.length;
    this.values = values;
    this.present = table.present;
    this.elementCount = table.elementCount;
    this.imputed = imputed;
    this.featureNames = [
      ...STOICH_NAMES.map((s) => `${id}:stoich:${s}`),
      ...table.propertyNames.flatMap((p) => STAT_NAMES.map((s) => `${id}:${s}:${p}`)),
    ];
    const filled = imputed.reduce((n, p) => n + p.elements.length, 0);
    this.description =
      `${source}: table ${table.file} (${table.elementCount} elements × ${this.width} properties, sha-256 ${table.sha256}). ` +
      'Features: number of elements and the L2, L3, L5, L7, L10 norms of the atomic fractions; per property the ' +
      'fraction-weighted mean and mean absolute deviation, and the minimum, maximum and range over the elements present. ' +
      (imputed.length === 0
        ? 'The table has no missing values. '
        : `Missing values: ${filled} values of ${imputed.length} properties are filled with that property's median over the elements that have it. `) +
      'Formulas with an element the table lacks are not featurized.';
  }

  featurizeInto(formulas: ArrayLike<string | null | undefined>, out: Float32Array): FeaturizeFailure[] {
    const d = this.featureNames.length;
    if (out.length < formulas.length * d) {
      throw new CrucibleError('internal', `Feature buffer holds ${out.length} values; ${formulas.length} rows × ${d} features need ${formulas.length * d}.`);
    }
    const failures: FeaturizeFailure[] = [];
    for (let row = 0; row < formulas.length; row++) {
      const text = formulas[row] ?? '';
      const failure = this.featurizeRow(text, out, row * d);
      if (failure) {
        out.fill(NaN, row * d, (row + 1) * d);
        failures.push({ index: row, ...failure });
      }
    }
    return failures;
  }

  /** Writes one row at `base`; returns why it failed instead, leaving the row for the caller to blank. */
  private featurizeRow(text: string, out: Float32Array, base: number): { reason: string; hint?: string } | undefined {
    const scanner = this.scanner;
    let count: number;
    try {
      count = scanner.scan(text);
    } catch (e) {
      if (!isCrucibleError(e)) throw e;
      return { reason: e.message, hint: e.hint };
    }
    const { elements, amounts } = scanner;
    const { fractions, rowOffsets, values, width, present } = this;
    let total = 0;
    for (let k = 0; k < count; k++) {
      const z = elements[k];
      if (!present[z]) return this.missingElement(text, z);
      total += amounts[k];
      rowOffsets[k] = z * width;
    }

    let n2 = 0, n3 = 0, n5 = 0, n7 = 0, n10 = 0;
    for (let k = 0; k < count; k++) {
      const f = amounts[k] / total;
      fractions[k] = f;
      const f2 = f * f;
      const f3 = f2 * f;
      const f5 = f3 * f2;
      n2 += f2;
      n3 += f3;
      n5 += f5;
      n7 += f5 * f2;
      n10 += f5 * f5;
    }
    out[base] = count;
    out[base + 1] = Math.sqrt(n2);
    out[base + 2] = Math.cbrt(n3);
    out[base + 3] = n5 ** (1 / 5);
    out[base + 4] = n7 ** (1 / 7);
    out[base + 5] = n10 ** (1 / 10);

    let o = base + STOICH_NAMES.length;
    for (let p = 0; p < width; p++) {
      let mean = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let k = 0; k < count; k++) {
        const v = values[rowOffsets[k] + p];
        mean += fractions[k] * v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      let mad = 0;
      for (let k = 0; k < count; k++) mad += fractions[k] * Math.abs(values[rowOffsets[k] + p] - mean);
      out[o] = mean;
      out[o + 1] = mad;
      out[o + 2] = lo;
      out[o + 3] = hi;
      out[o + 4] = hi - lo;
      o += STAT_NAMES.length;
    }
    return undefined;
  }

  private missingElement(text: string, z: number): { reason: string; hint: string } {
    return {
      reason: `Cannot featurize "${text}" with "${this.id}": element ${ELEMENT_SYMBOLS[z]} is not in its table ${this.tableFile} (${this.elementCount} elements).`,
      hint: 'Choose a featurizer whose element table covers it, or leave the row out.',
    };
  }
}
