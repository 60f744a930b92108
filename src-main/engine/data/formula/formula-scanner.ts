/** Char-code scanner turning a chemical formula into merged (atomic number, amount) pairs; the featurizers' hot path. */
import { CrucibleError } from '../../errors';
import { atomicNumberOfCodes, MAX_ATOMIC_NUMBER } from './periodic-table';

const DOT = 46;
const H = 72;
const O = 79;
const TWO = 50;
/** Exact powers of ten: `mantissa / POW10[k]` is then one correctly rounded division (the strtod fast path). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

const FORMULA_HINT =
  'Write formulas like Fe2O3, (Ag0.05Sn0.95)Te, Ca(OH)2 or CuSO4·5H2O: symbols start with a capital letter, amounts are positive decimals, brackets must match.';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 160;
}

function isOpener(c: number): boolean {
  return c === 40 || c === 91 || c === 123;
}

function isCloser(c: number): boolean {
  return c === 41 || c === 93 || c === 125;
}

function closerOf(opener: number): number {
  return opener === 40 ? 41 : opener + 2; // '(' → ')', '[' → ']', '{' → '}'
}

/** Adduct/hydrate separators other than '.': `*`, middle dot `·`, bullet `•`, dot operator `⋅`, bullet operator `∙`. */
function isSeparator(c: number): boolean {
  return c === 42 || c === 0xb7 || c === 0x2022 || c === 0x22c5 || c === 0x2219;
}

/**
 * Reads formulas into reusable buffers without allocating per formula. Grammar and rules:
 *
 * - A formula is one or more parts joined by an adduct separator (`·`, `•`, `⋅`, `∙`, `*`, or `.` as below),
 *   optionally with spaces around the separator; each part may start with a coefficient (`5H2O`, `0.5H2O`)
 *   that multiplies the whole part. Leading and trailing whitespace is ignored; other spaces are errors.
 * - A part is a sequence of element symbols (checked against the periodic table, case-sensitive) and bracket
 *   groups `(…)`, `[…]`, `{…}` (nested, matching kinds), each optionally followed by an amount.
 * - An amount is digits with an optional decimal part (`2`, `1`, `0.05`, `3.0`); it must be positive.
 *   There are no signs, exponents or leading-dot decimals (`.5`).
 * - The `.` rule: a `.` between two digits is a decimal point; a `.` followed by a letter, bracket or space is
 *   an adduct separator (`CuSO4.H2O`); a `.` followed by a digit but not preceded by one is an error. So a
 *   hydrate with a coefficient needs `·` or `*` (`CuSO4·5H2O`), because `CuSO4.5H2O` reads `O4.5`: as that is
 *   almost always a mistyped hydrate, a decimal amount directly followed by a complete `H2O` is rejected as
 *   ambiguous rather than read silently.
 * - Repeated elements are summed (`CH3CH2OH` → C2 H6 O1) in first-seen order.
 *
 * Errors are `CrucibleError('bad-input')` quoting the formula and the 1-based character position.
 */
export class FormulaScanner {
  /** After `scan`: atomic numbers of the distinct elements, first-seen order, `count` entries valid. */
  readonly elements = new Int32Array(MAX_ATOMIC_NUMBER + 1);
  /** After `scan`: amount of each element in `elements`. */
  readonly amounts = new Float64Array(MAX_ATOMIC_NUMBER + 1);
  /** Number of distinct elements found by the last `scan`. */
  count = 0;

  private tokenZ = new Int32Array(64);
  private tokenAmount = new Float64Array(64);
  private tokens = 0;
  private groupStart = new Int32Array(16);
  private groupOpenAt = new Int32Array(16);
  /** slot[z] = 1 + index of z in `elements` while merging; all zero between scans. */
  private readonly slot = new Int32Array(MAX_ATOMIC_NUMBER + 1);
  private text = '';
  private end = 0;
  private pos = 0;
  /** Whether the last number read had a decimal part. */
  private decimal = false;

  /** Scans `text`, returning the number of distinct elements (also in `count`); throws CrucibleError('bad-input'). */
  scan(text: string): number {
    this.text = text;
    this.tokens = 0;
    let i = 0;
    let n = text.length;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    while (n > i && isSpace(text.charCodeAt(n - 1))) n--;
    this.end = n;
    if (i === n) this.fail('the formula is empty', 'Fill in a chemical formula such as Fe2O3.');

    for (;;) {
      let coefficient = 1;
      if (isDigit(text.charCodeAt(i))) {
        this.pos = i;
        coefficient = this.readNumber();
        i = this.pos;
      }
      const partStart = this.tokens;
      let depth = 0;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c >= 65 && c <= 90) {
          const symbolAt = i;
          const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
          const lower = next >= 97 && next <= 122 ? next : 0;
          i += lower === 0 ? 1 : 2;
          const z = atomicNumberOfCodes(c, lower);
          if (z === 0) {
            this.fail(`"${text.slice(symbolAt, i)}" at position ${symbolAt + 1} is not an element symbol`,
              'Check the spelling: symbols are case-sensitive (Co is cobalt, CO is carbon and oxygen).');
          }
          let amount = 1;
          if (i < n && isDigit(text.charCodeAt(i))) {
            this.pos = i;
            amount = this.readAmount();
            i = this.pos;
          }
          this.push(z, amount);
        } else if (isOpener(c)) {
          if (depth === this.groupStart.length) this.growGroups();
          this.groupStart[depth] = this.tokens;
          this.groupOpenAt[depth] = i;
          depth++;
          i++;
        } else if (isCloser(c)) {
          if (depth === 0) this.fail(`"${text[i]}" at position ${i + 1} has no matching opening bracket`);
          depth--;
          const openAt = this.groupOpenAt[depth];
          if (c !== closerOf(text.charCodeAt(openAt))) {
            this.fail(`"${text[i]}" at position ${i + 1} does not close "${text[openAt]}" at position ${openAt + 1}`);
          }
          const start = this.groupStart[depth];
          if (start === this.tokens) this.fail(`the brackets at position ${openAt + 1} are empty`);
          i++;
          if (i < n && isDigit(text.charCodeAt(i))) {
            this.pos = i;
            this.scale(start, this.readAmount());
            i = this.pos;
          }
        } else {
          break;
        }
      }

      // The part ends at the end of the text or at a character that is neither a symbol nor a bracket.
      let sep = i;
      while (sep < n && isSpace(text.charCodeAt(sep))) sep++;
      if (i < n) this.checkSeparator(i, sep);
      if (depth > 0) {
        const openAt = this.groupOpenAt[depth - 1];
        this.fail(`"${text[openAt]}" at position ${openAt + 1} is never closed`);
      }
      if (this.tokens === partStart) {
        this.fail(i < n
          ? `expected an element symbol before "${text[sep]}" at position ${sep + 1}`
          : `the formula ends at position ${n} before any element symbol`);
      }
      if (coefficient !== 1) this.scale(partStart, coefficient);
      if (i === n) break;
      i = sep + 1;
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (i === n) this.fail(`nothing follows the separator "${text[sep]}" at position ${sep + 1}`);
    }
    return this.merge();
  }

  /** `text[i]` stopped a part and `text[sep]` is the first non-space from there: it must be an adduct separator. */
  private checkSeparator(i: number, sep: number): void {
    const text = this.text;
    const c = text.charCodeAt(sep);
    if (isSeparator(c)) return;
    if (c === DOT) {
      if (!(sep + 1 < this.end && isDigit(text.charCodeAt(sep + 1)))) return;
      this.fail(`"." at position ${sep + 1} is neither a decimal point inside a number nor an adduct separator`,
        'Write decimals with a leading digit (0.5) and hydrates with "·" or "*" (CuSO4·5H2O).');
    }
    if (sep > i) {
      this.fail(`unexpected space at position ${i + 1}`, 'Remove spaces inside the formula (spaces are allowed only around "·").');
    }
    if (c === 45) this.fail(`"-" at position ${i + 1}: amounts cannot be negative`);
    if (c >= 97 && c <= 122) {
      this.fail(`"${text[i]}" at position ${i + 1} is lower-case`, 'Element symbols start with a capital letter (Fe, not fe).');
    }
    this.fail(`unexpected character "${String.fromCodePoint(text.codePointAt(i) ?? c)}" at position ${i + 1}`);
  }

  /** An element or group amount: a positive number, refusing `O4.5H2O`-style hydrate look-alikes. */
  private readAmount(): number {
    const at = this.pos;
    const value = this.readNumber();
    const i = this.pos;
    const text = this.text;
    if (
      this.decimal &&
      text.charCodeAt(i) === H &&
      text.charCodeAt(i + 1) === TWO &&
      text.charCodeAt(i + 2) === O &&
      (i + 3 >= this.end || isSpace(text.charCodeAt(i + 3)) || isSeparator(text.charCodeAt(i + 3)) ||
        isCloser(text.charCodeAt(i + 3)) || text.charCodeAt(i + 3) === DOT)
    ) {
      this.fail(`"${text.slice(at, i)}H2O" at position ${at + 1} is ambiguous: an amount of ${value} or a hydrate`,
        `Write a hydrate with "·" or "*" (e.g. CuSO4·5H2O); for the decimal amount, put H2O in brackets: ${text.slice(0, i)}(H2O)${text.slice(i + 3)}.`);
    }
    return value;
  }

  /** Reads `digits[.digits]` at `pos`, leaving `pos` after it; the value must be positive and finite. */
  private readNumber(): number {
    const text = this.text;
    const n = this.end;
    const start = this.pos;
    let i = start;
    let mantissa = 0;
    let c: number;
    while (i < n && isDigit((c = text.charCodeAt(i)))) {
      mantissa = mantissa * 10 + (c - 48);
      i++;
    }
    let fractionDigits = 0;
    if (i + 1 < n && text.charCodeAt(i) === DOT && isDigit(text.charCodeAt(i + 1))) {
      i++;
      while (i < n && isDigit((c = text.charCodeAt(i)))) {
        mantissa = mantissa * 10 + (c - 48);
        fractionDigits++;
        i++;
      }
    }
    this.pos = i;
    this.decimal = fractionDigits > 0;
    const value =
      mantissa <= Number.MAX_SAFE_INTEGER && fractionDigits < POW10.length
        ? mantissa / POW10[fractionDigits]
        : Number(text.slice(start, i));
    if (value === 0) {
      this.fail(`the amount ${text.slice(start, i)} at position ${start + 1} is zero`, 'Amounts must be positive: leave an absent element out.');
    }
    if (!Number.isFinite(value)) this.fail(`the amount at position ${start + 1} is too large`);
    return value;
  }

  private push(z: number, amount: number): void {
    if (this.tokens === this.tokenZ.length) {
      const z2 = new Int32Array(this.tokens * 2);
      const a2 = new Float64Array(this.tokens * 2);
      z2.set(this.tokenZ);
      a2.set(this.tokenAmount);
      this.tokenZ = z2;
      this.tokenAmount = a2;
    }
    this.tokenZ[this.tokens] = z;
    this.tokenAmount[this.tokens] = amount;
    this.tokens++;
  }

  private growGroups(): void {
    const start = new Int32Array(this.groupStart.length * 2);
    const openAt = new Int32Array(this.groupStart.length * 2);
    start.set(this.groupStart);
    openAt.set(this.groupOpenAt);
    this.groupStart = start;
    this.groupOpenAt = openAt;
  }

  /** Multiplies the amounts of the tokens from `start` to the end (a closed group or a whole part). */
  private scale(start: number, factor: number): void {
    const a = this.tokenAmount;
    for (let t = start; t < this.tokens; t++) a[t] *= factor;
  }

  private merge(): number {
    const { slot, elements, amounts, tokenZ, tokenAmount } = this;
    let count = 0;
    for (let t = 0; t < this.tokens; t++) {
      const z = tokenZ[t];
      const s = slot[z];
      if (s === 0) {
        elements[count] = z;
        amounts[count] = tokenAmount[t];
        slot[z] = ++count;
      } else {
        amounts[s - 1] += tokenAmount[t];
      }
    }
    for (let k = 0; k < count; k++) slot[elements[k]] = 0;
    this.count = count;
    return count;
  }

  private fail(what: string, hint: string = FORMULA_HINT): never {
    throw new CrucibleError('bad-input', `Cannot read the formula "${this.text}": ${what}.`, { hint });
  }
}
