/** Canonical formula strings: one readable key per composition, for joining and grouping rows by material. */
import { CrucibleError, isCrucibleError } from '../../errors';
import { parseFormula, type Composition } from './parse-formula';
import { ELEMENT_SYMBOLS } from './periodic-table';

/** Largest multiplier tried when looking for an integer formula (Fe0.5O0.75 needs 2, BiSb(Se0.92Br0.08)3 needs 6). */
const MAX_MULTIPLIER = 100;
/** Largest count written in an integer formula; beyond it relative amounts read better. */
const MAX_COUNT = 1000;
/** Relative distance from an integer an amount may have and still count as that integer (absorbs float noise). */
const INTEGER_TOLERANCE = 1e-6;
/** Significant digits of the relative amounts when no integer formula fits. */
const SIGNIFICANT_DIGITS = 6;
/** Digits kept before rounding to SIGNIFICANT_DIGITS, so that float noise cannot decide a decimal tie. */
const NOISE_DIGITS = 12;
const KEY_CACHE_LIMIT = 200_000;

const CARBON = 6;
const HYDROGEN = 1;

/** Alphabetical rank of each element symbol, by atomic number. */
const ALPHABETICAL_RANK = (() => {
  const rank = new Int32Array(ELEMENT_SYMBOLS.length);
  const sorted = ELEMENT_SYMBOLS.map((s, z) => ({ s, z }))
    .slice(1)
    .sort((a, b) => (a.s < b.s ? -1 : 1));
  sorted.forEach(({ z }, r) => (rank[z] = r));
  return rank;
})();

/**
 * The canonical formula of a composition (distinct elements, positive amounts, as `parseFormula` returns).
 *
 * Rule:
 * 1. Elements are written in Hill order: with carbon present, C then H then the rest alphabetically;
 *    without carbon, all alphabetically (so NaCl → ClNa, CuSO4·5H2O → CuH10O9S).
 * 2. Amounts are divided by the smallest one. If for some integer multiplier m in 1..100 every scaled amount
 *    times m lies within a relative 1e-6 of an integer of at most 1000, the smallest such m gives the reduced
 *    integer formula, with counts of 1 omitted: Fe2O4 → FeO2, Fe0.5O0.75 → Fe2O3, Fe3.0O2.0 → Fe3O2,
 *    Ba1Te1 → BaTe, Fe0.999C0.001 → CFe999.
 * 3. Otherwise the amounts are divided by the largest one and written with 6 significant digits (rounded
 *    half up from their 12-digit decimal form), in fixed-point notation without trailing zeros (the largest,
 *    1, is omitted):
 *    Fe0.620C0.000953Mn0.000521… → C0.0015371…FeMn0.000840323….
 *
 * Hence the key is unchanged by element order, scaling, explicit 1s, float formatting (3 vs 3.0, and float
 * noise such as 0.92 × 3 = 2.7600000000000002) and hydrate notation; and it parses back to the same key.
 */
export function canonicalFormula(comp: Composition): string {
  const { elements, amounts } = comp;
  const n = elements.length;
  if (n === 0) throw new CrucibleError('bad-input', 'Cannot write a canonical formula for an empty composition.');
  const hasCarbon = elements.includes(CARBON);
  const hillRank = (z: number): number =>
    hasCarbon && z === CARBON ? -2 : hasCarbon && z === HYDROGEN ? -1 : ALPHABETICAL_RANK[z];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => hillRank(elements[a]) - hillRank(elements[b]));

  const smallest = Math.min(...amounts);
  const multiplier = integerMultiplier(amounts, smallest);
  let key = '';
  if (multiplier > 0) {
    for (const i of order) {
      const count = Math.round((amounts[i] / smallest) * multiplier);
      key += ELEMENT_SYMBOLS[elements[i]] + (count === 1 ? '' : String(count));
    }
  } else {
    // Dividing by the largest amount (not the total) keeps the key a fixed point: the largest reads back as exactly 1.
    const largest = Math.max(...amounts);
    for (const i of order) {
      const amount = formatSignificant(amounts[i] / largest);
      key += ELEMENT_SYMBOLS[elements[i]] + (amount === '1' ? '' : amount);
    }
  }
  return key;
}

/** The smallest m in 1..MAX_MULTIPLIER making every amount/smallest·m a (near) integer ≤ MAX_COUNT, or 0. */
function integerMultiplier(amounts: readonly number[], smallest: number): number {
  const largestRatio = Math.max(...amounts) / smallest;
  for (let m = 1; m <= MAX_MULTIPLIER && Math.round(largestRatio * m) <= MAX_COUNT; m++) {
    let fits = true;
    for (const a of amounts) {
      const x = (a / smallest) * m;
      if (Math.abs(x - Math.round(x)) > INTEGER_TOLERANCE * x) {
        fits = false;
        break;
      }
    }
    if (fits) return m;
  }
  return 0;
}

/**
 * A number in (0, 1] with SIGNIFICANT_DIGITS digits in fixed-point notation (never `1e-7`), trailing zeros
 * dropped. Rounds in two steps: to NOISE_DIGITS by the float's exact value, then half up on those decimal
 * digits, so that 0.0001234375 comes out the same whether it arrives as …37499999999998 or …3750000000001.
 */
function formatSignificant(x: number): string {
  const [mantissa, exponentText] = x.toExponential(NOISE_DIGITS - 1).split('e');
  const digits = mantissa.replace('.', '');
  let exponent = Number(exponentText);
  let kept = Number(digits.slice(0, SIGNIFICANT_DIGITS)) + (digits.charCodeAt(SIGNIFICANT_DIGITS) >= 53 ? 1 : 0);
  if (kept === 10 ** SIGNIFICANT_DIGITS) {
    kept /= 10;
    exponent++;
  }
  // The value is kept × 10^(exponent − SIGNIFICANT_DIGITS + 1), with exponent ≤ 0 as x ≤ 1.
  const keptText = String(kept);
  const fixed = exponent === 0 ? `${keptText[0]}.${keptText.slice(1)}` : `0.${'0'.repeat(-exponent - 1)}${keptText}`;
  return fixed.replace(/\.?0+$/, '');
}

/** The output column holding each row's canonical formula, beside the formula as the user wrote it. */
export const FORMULA_CANONICAL = 'formula_canonical';

const keyCache = new Map<string, string>();

/**
 * `canonicalFormula(parseFormula(text))`, cached by text (the cache is emptied when it reaches 200k entries).
 * Throws CrucibleError('bad-input') for formulas that do not parse.
 */
export function formulaKey(text: string): string {
  let key = keyCache.get(text);
  if (key === undefined) {
    key = canonicalFormula(parseFormula(text));
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(text, key);
  }
  return key;
}

/** `formulaKey(text)`, or null when the text is no formula: the canonical column written beside the user's own string. */
export function formulaKeyOrNull(text: string): string | null {
  try {
    return formulaKey(text);
  } catch (e) {
    if (isCrucibleError(e)) return null;
    throw e;
  }
}
