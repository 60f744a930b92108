/** Parses a chemical formula into a Composition (merged elements and amounts). */
import { FormulaScanner } from './formula-scanner';

/** What a formula says: which elements, in what amounts. Scale is kept as written (Fe2O3 has amounts 2 and 3). */
export interface Composition {
  /** Atomic numbers (1–118), each once, in the order they first appear in the formula. */
  readonly elements: readonly number[];
  /** Amount of each element (> 0): summed over repeats and multiplied through brackets and coefficients. */
  readonly amounts: readonly number[];
}

const scanner = new FormulaScanner();

/**
 * Reads a formula such as `Fe2O3`, `(Ag0.05Sb0.05Sn0.9)(S0.05Se0.05Te0.9)`, `Ba1Te1` or `CuSO4·5H2O`
 * (grammar and the `.` rule: see FormulaScanner). Throws CrucibleError('bad-input') quoting the formula and
 * the character position of the problem.
 */
export function parseFormula(text: string): Composition {
  const count = scanner.scan(text);
  return {
    elements: Array.from(scanner.elements.subarray(0, count)),
    amounts: Array.from(scanner.amounts.subarray(0, count)),
  };
}
