/** A suite's `--name N` options: each a positive whole number, defaults where not given. */
export function numberOptions<K extends string>(args: readonly string[], defaults: Record<K, number>): Record<K, number> {
  const out = { ...defaults };
  const known = Object.keys(defaults).map((k) => `--${k}`);
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i].slice(2) as K;
    if (!known.includes(args[i])) throw new Error(`unknown option ${args[i]} (options: ${known.join(', ')})`);
    const value = Number(args[i + 1]);
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${args[i]} needs a positive whole number, got ${args[i + 1] ?? 'nothing'}`);
    out[name] = value;
  }
  return out;
}
