/** "Did you mean …?" for misspelt names (config keys, columns, tables, tasks): the nearest candidate by edit distance. */

/**
 * Optimal-string-alignment distance (Levenshtein plus swaps of two neighbouring characters, so `lr` → `rl`
 * costs 1), compared without case.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  // Three rolling rows: the swap rule looks two rows back.
  let twoBack = new Array<number>(t.length + 1).fill(0);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  let current = new Array<number>(t.length + 1).fill(0);
  for (let i = 1; i <= s.length; i++) {
    current[0] = i;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, twoBack[j - 2] + 1);
      current[j] = d;
    }
    [twoBack, previous, current] = [previous, current, twoBack];
  }
  return previous[t.length];
}

/**
 * The candidate nearest to `name`, or undefined when none is close enough to be a plausible typo
 * (at most max(2, ⌊length/2⌋) edits). Ties go to the earlier candidate.
 */
export function nearestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 2)) ? best : undefined;
}

/** A hint naming the nearest candidate, or else listing (up to 12 of) the candidates; `what` is e.g. "column". */
export function suggestionHint(name: string, candidates: readonly string[], what: string): string {
  const nearest = nearestName(name, candidates);
  if (nearest !== undefined) return `Did you mean "${nearest}"?`;
  if (candidates.length === 0) return `There are no ${what}s.`;
  const shown = candidates
    .slice(0, 12)
    .map((c) => `"${c}"`)
    .join(', ');
  return `Valid ${what}s: ${shown}${candidates.length > 12 ? ', …' : ''}.`;
}
