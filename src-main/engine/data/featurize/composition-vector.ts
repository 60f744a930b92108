/**
 * Element-fraction vectors over a fixed list of elements: what an exported model's `composition` input
 * reads. The bundle's Python helper (resources/python/crucible_predict.py) builds the same vectors the same
 * way, so both give a model identical float32 inputs.
 */
import { CrucibleError, isCrucibleError } from '../../errors';
import { FormulaScanner } from '../formula/formula-scanner';
import { atomicNumber, ELEMENT_SYMBOLS, MAX_ATOMIC_NUMBER } from '../formula/periodic-table';
import type { FeaturizeFailure } from './featurizer';

export class CompositionEncoder {
  /** `column[z]` is 1 + the vector position of atomic number z, or 0 when the list lacks it. */
  private readonly column = new Int32Array(MAX_ATOMIC_NUMBER + 1);
  private readonly scanner = new FormulaScanner();

  /** `elements`: the symbols of the vector positions, in order; `source` names the list in messages ("the model's element table"). */
  constructor(
    readonly elements: readonly string[],
    private readonly source: string,
  ) {
    elements.forEach((symbol, i) => {
      const z = atomicNumber(symbol);
      if (z === 0 || this.column[z] !== 0) throw new CrucibleError('bad-input', `${source} lists "${symbol}", which is not an element or appears twice.`);
      this.column[z] = i + 1;
    });
  }

  /**
   * Writes row i's atomic fractions (amount / total amount, summed in formula order in float64) at
   * `out[i * elements.length]`, zeros elsewhere. Rows that fail are left as zeros and reported.
   */
  encodeInto(formulas: ArrayLike<string | null | undefined>, out: Float32Array): FeaturizeFailure[] {
    const e = this.elements.length;
    if (out.length < formulas.length * e) {
      throw new CrucibleError('internal', `Composition buffer holds ${out.length} values; ${formulas.length} rows × ${e} elements need ${formulas.length * e}.`);
    }
    out.fill(0, 0, formulas.length * e);
    const failures: FeaturizeFailure[] = [];
    for (let row = 0; row < formulas.length; row++) {
      const failure = this.encodeRow(formulas[row] ?? '', out, row * e);
      if (failure) failures.push({ index: row, ...failure });
    }
    return failures;
  }

  private encodeRow(text: string, out: Float32Array, base: number): { reason: string; hint?: string } | undefined {
    const scanner = this.scanner;
    let count: number;
    try {
      count = scanner.scan(text);
    } catch (e) {
      if (!isCrucibleError(e)) throw e;
      return { reason: e.message, hint: e.hint };
    }
    const { elements, amounts } = scanner;
    let total = 0;
    for (let k = 0; k < count; k++) {
      if (this.column[elements[k]] === 0) {
        return {
          reason: `Cannot encode "${text}": element ${ELEMENT_SYMBOLS[elements[k]]} is not in ${this.source} (${this.elements.length} elements).`,
          hint: 'The model has never seen this element; leave the row out.',
        };
      }
      total += amounts[k];
    }
    for (let k = 0; k < count; k++) out[base + this.column[elements[k]] - 1] = amounts[k] / total;
    return undefined;
  }
}
