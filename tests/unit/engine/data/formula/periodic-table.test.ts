import { describe, expect, it } from 'vitest';
import {
  atomicNumber,
  atomicNumberOfCodes,
  ELEMENT_SYMBOLS,
  elementSymbol,
  MAX_ATOMIC_NUMBER,
} from '../../../../../src-main/engine/data/formula/periodic-table';

describe('periodic table', () => {
  it('has 118 distinct symbols in atomic-number order', () => {
    expect(MAX_ATOMIC_NUMBER).toBe(118);
    expect(new Set(ELEMENT_SYMBOLS.slice(1)).size).toBe(118);
    expect([1, 6, 8, 26, 29, 50, 79, 92, 112, 118].map(elementSymbol)).toEqual(['H', 'C', 'O', 'Fe', 'Cu', 'Sn', 'Au', 'U', 'Cn', 'Og']);
  });

  it('looks symbols up case-sensitively, by string and by char codes', () => {
    for (let z = 1; z <= 118; z++) {
      const s = ELEMENT_SYMBOLS[z];
      expect(atomicNumber(s)).toBe(z);
      expect(atomicNumberOfCodes(s.charCodeAt(0), s.length > 1 ? s.charCodeAt(1) : 0)).toBe(z);
    }
    for (const notAnElement of ['', 'CO', 'co', 'Xx', 'J', 'Q', 'Uue', 'fe', 'F1']) expect(atomicNumber(notAnElement)).toBe(0);
  });

  it('refuses atomic numbers outside 1..118', () => {
    expect(() => elementSymbol(0)).toThrow(RangeError);
    expect(() => elementSymbol(119)).toThrow(RangeError);
  });
});
