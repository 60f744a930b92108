/** The 118 element symbols with their atomic numbers, and a char-code lookup for the formula scanner. */

/** Element symbols indexed by atomic number; index 0 is unused (''). */
export const ELEMENT_SYMBOLS: readonly string[] = [
  '',
  'H', 'He',
  'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne',
  'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar',
  'K', 'Ca', 'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr',
  'Rb', 'Sr', 'Y', 'Zr', 'Nb', 'Mo', 'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd', 'In', 'Sn', 'Sb', 'Te', 'I', 'Xe',
  'Cs', 'Ba', 'La', 'Ce', 'Pr', 'Nd', 'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy', 'Ho', 'Er', 'Tm', 'Yb', 'Lu',
  'Hf', 'Ta', 'W', 'Re', 'Os', 'Ir', 'Pt', 'Au', 'Hg', 'Tl', 'Pb', 'Bi', 'Po', 'At', 'Rn',
  'Fr', 'Ra', 'Ac', 'Th', 'Pa', 'U', 'Np', 'Pu', 'Am', 'Cm', 'Bk', 'Cf', 'Es', 'Fm', 'Md', 'No', 'Lr',
  'Rf', 'Db', 'Sg', 'Bh', 'Hs', 'Mt', 'Ds', 'Rg', 'Cn', 'Nh', 'Fl', 'Mc', 'Lv', 'Ts', 'Og',
];

/** The largest atomic number known (Og). */
export const MAX_ATOMIC_NUMBER = ELEMENT_SYMBOLS.length - 1;

/**
 * Atomic number by symbol code: `(upper - 65) * 27 + (lower ? lower - 96 : 0)`, 0 where no element.
 * Lets the scanner look a symbol up from two char codes without building a string.
 */
const BY_CODE = new Uint8Array(26 * 27);
for (let z = 1; z <= MAX_ATOMIC_NUMBER; z++) {
  const s = ELEMENT_SYMBOLS[z];
  BY_CODE[symbolCode(s.charCodeAt(0), s.length > 1 ? s.charCodeAt(1) : 0)] = z;
}

function symbolCode(upper: number, lower: number): number {
  return (upper - 65) * 27 + (lower === 0 ? 0 : lower - 96);
}

/**
 * Atomic number of the symbol written as an upper-case char code (A–Z) and an optional lower-case one
 * (a–z, or 0 for a one-letter symbol); 0 when no element has that symbol.
 */
export function atomicNumberOfCodes(upper: number, lower: number): number {
  return BY_CODE[symbolCode(upper, lower)];
}

/** Atomic number of an element symbol (case-sensitive: 'Co', not 'CO'); 0 when it is not an element. */
export function atomicNumber(symbol: string): number {
  const upper = symbol.charCodeAt(0);
  const lower = symbol.length === 2 ? symbol.charCodeAt(1) : 0;
  if (symbol.length < 1 || symbol.length > 2 || upper < 65 || upper > 90) return 0;
  if (lower !== 0 && (lower < 97 || lower > 122)) return 0;
  return atomicNumberOfCodes(upper, lower);
}

/** Symbol of an atomic number (1–118). */
export function elementSymbol(z: number): string {
  const s = ELEMENT_SYMBOLS[z];
  if (!s) throw new RangeError(`No element has atomic number ${z}`);
  return s;
}
