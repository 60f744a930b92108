/** Seeded, portable randomness: sfc32 seeded through splitmix32, purpose-derived seeds, shuffles, normals. */
import { crc32 } from 'node:zlib';
import { CrucibleError } from '../errors';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** Any typed array a shuffle can permute in place. */
export type ShuffleableArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | unknown[];

/** Reduces a user seed (any safe integer, negative included) to 32 bits without discarding its high bits. */
export function seedToUint32(seed: number): number {
  if (!Number.isSafeInteger(seed)) {
    throw new CrucibleError('bad-config', `Random seed ${seed} is not a whole number.`, {
      hint: 'Use an integer seed such as 42.',
    });
  }
  const high = Math.floor(seed / TWO_POW_32);
  return (seed ^ Math.imul(high, 0x9e3779b1)) >>> 0;
}

/** The splitmix32 output function (murmur3 finaliser); a bijection on 32-bit integers. */
function mix32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seed for one purpose, derived from a user seed and labels (e.g. `deriveSeed(seed, 'shuffle', epoch)`).
 * Labels are hashed with crc32 of their decimal or text form, so `3` and `'3'` give the same seed.
 */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  let h = mix32(seedToUint32(seed) + 0x9e3779b9);
  for (const label of labels) h = mix32((h ^ crc32(String(label))) + 0x9e3779b9);
  return h;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator), its 128-bit state filled by splitmix32.
 * Uses only 32-bit integer arithmetic, so every JavaScript engine produces the same stream.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    let s = seedToUint32(seed);
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      return mix32(s);
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    // The customary warm-up: the first outputs of sfc32 still correlate with the seed words.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) with 53 bits of resolution. */
  float(): number {
    const hi = this.uint32() >>> 5;
    const lo = this.uint32() >>> 6;
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** A uniform integer in [0, maxExclusive); unbiased (rejection sampling). maxExclusive ≤ 2^32. */
  int(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive <= 0 || maxExclusive > TWO_POW_32) {
      throw new RangeError(`Rng.int needs an integer bound in [1, 2^32], got ${maxExclusive}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
    let u = this.uint32();
    while (u >= limit) u = this.uint32();
    return u % maxExclusive;
  }

  /** A normal deviate (Box-Muller; the second deviate of each pair is kept for the next call). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    // 1 - float() lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.float()));
    const angle = 2 * Math.PI * this.float();
    this.spareNormal = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T extends ShuffleableArray>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = values[i];
      values[i] = values[j];
      values[j] = tmp;
    }
    return values;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Uint32Array {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }
}
