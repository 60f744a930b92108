/**
 * scikit-learn's `KFold(n_splits, shuffle=True, random_state=seed)` and `StratifiedKFold` (same
 * arguments) exactly, so benchmark folds match the published protocol (Matbench uses random_state
 * 18012019, stratified for its classification tasks). sklearn shuffles `arange(n)` with
 * numpy's legacy `RandomState(seed)`: MT19937 seeded by init_genrand, and a Fisher–Yates shuffle
 * drawing bounded integers by masked rejection. Both are reproduced here bit for bit.
 */

class Mt19937 {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      // 1812433253 * prev + i, in 32-bit arithmetic without losing precision.
      this.mt[i] = (((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) + (prev & 0x0000ffff) * 1812433253 + i) >>> 0;
    }
  }

  next(): number {
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (this.mt[k] & 0x80000000) | (this.mt[(k + 1) % 624] & 0x7fffffff);
        this.mt[k] = this.mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** numpy's legacy `random_interval(max)`: a uniform integer in [0, max] by masked rejection. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let value: number;
    do value = (this.next() & mask) >>> 0;
    while (value > max);
    return value;
  }
}

/** numpy's legacy `RandomState.shuffle` of a 1-D array, in place. */
function shuffleInPlace(rng: Mt19937, out: Uint32Array): Uint32Array {
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.interval(i);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/** `RandomState(seed).shuffle(arange(n))`. */
export function numpyPermutation(n: number, seed: number): Uint32Array {
  return shuffleInPlace(
    new Mt19937(seed),
    Uint32Array.from({ length: n }, (_, i) => i),
  );
}

/** The test indices of each fold, in sklearn's order (the first n mod k folds are one larger). */
export function kFoldTestIndices(n: number, k: number, seed: number): Uint32Array[] {
  const order = numpyPermutation(n, seed);
  const folds: Uint32Array[] = [];
  let start = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(n / k) + (f < n % k ? 1 : 0);
    folds.push(order.slice(start, start + size));
    start += size;
  }
  return folds;
}

/**
 * The test indices of each fold of `StratifiedKFold(k, shuffle=True, random_state=seed)` (sklearn ≥ 0.22):
 * classes numbered by first appearance, the sorted labels dealt round-robin to the folds to fix how many
 * rows of each class every fold takes, then per class (in that order, one generator throughout) the fold
 * numbers shuffled and handed to the class's rows in row order. Each fold's indices ascend.
 */
export function stratifiedKFoldTestIndices(labels: ArrayLike<number>, k: number, seed: number): Uint32Array[] {
  const classOf = new Map<number, number>();
  const encoded = Uint32Array.from({ length: labels.length }, (_, i) => {
    const label = labels[i];
    if (!classOf.has(label)) classOf.set(label, classOf.size);
    return classOf.get(label)!;
  });
  // allocation[f][c]: rows of class c in fold f, as sklearn's bincount(sort(y)[f::k]).
  const sorted = encoded.slice().sort();
  const allocation = Array.from({ length: k }, () => new Array<number>(classOf.size).fill(0));
  sorted.forEach((c, i) => allocation[i % k][c]++);
  const rng = new Mt19937(seed);
  const testFold = new Uint32Array(labels.length);
  for (let c = 0; c < classOf.size; c++) {
    const folds = Uint32Array.from(allocation.flatMap((perClass, f) => new Array<number>(perClass[c]).fill(f)));
    shuffleInPlace(rng, folds);
    let next = 0;
    for (let r = 0; r < encoded.length; r++) if (encoded[r] === c) testFold[r] = folds[next++];
  }
  const rows = Array.from({ length: k }, () => [] as number[]);
  testFold.forEach((f, r) => rows[f].push(r));
  return rows.map((r) => Uint32Array.from(r));
}
