/**
 * A run's applicability domain: domain.json (the rule's numbers, and per task the elements its training rows
 * hold) and domain.bin (a capped sample of the training rows' standardized descriptors), written at the end of
 * training (train/domain.ts) and carried into bundles, and the verdicts they give.
 *
 * The rule: a prediction of a task lies outside the domain when its formula holds an element that no labelled
 * training row of that task holds, or when the mean Euclidean distance of its standardized descriptors (the
 * scaled features the model reads, missing values at the training mean) to their k nearest sampled training
 * rows exceeds the `quantile` of that distance over the validation rows.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FormulaScanner } from '../data/formula/formula-scanner';
import { atomicNumber, elementSymbol, MAX_ATOMIC_NUMBER } from '../data/formula/periodic-table';
import { CrucibleError, isCrucibleError } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';

export const DOMAIN_FILES = { record: 'domain.json', sample: 'domain.bin' } as const;

export const DomainRecordSchema = z.object({
  formatVersion: z.literal(1),
  /** The rule in words, for a reader of the file. */
  rule: z.string(),
  /** Neighbours the distance averages over. */
  k: z.number().int().positive(),
  quantile: z.number().gt(0).lt(1),
  /** The descriptor columns: the sample's columns, standardized with the run's feature scaling. */
  features: z.array(z.string()),
  /** Rows of domain.bin (float32, little-endian, row-major), drawn from `trainingRows` labelled training rows. */
  sampleRows: z.number().int().nonnegative(),
  trainingRows: z.number().int().nonnegative(),
  /** The validation rows' distance at `quantile`; null without validation rows, and then distances flag nothing. */
  threshold: z.number().nonnegative().nullable(),
  validationRows: z.number().int().nonnegative(),
  /** Per task: the elements of its labelled training rows' formulas, or null when none could be read (descriptor files). */
  tasks: z.record(z.string(), z.object({ elements: z.array(z.string()).nullable() })),
});
export type DomainRecord = z.infer<typeof DomainRecordSchema>;

export interface Domain {
  record: DomainRecord;
  /** sampleRows × features.length standardized training descriptors. */
  sample: Float32Array;
}

export async function writeDomain(dir: string, domain: Domain): Promise<void> {
  const { sample } = domain;
  await writeFileAtomic(join(dir, DOMAIN_FILES.sample), new Uint8Array(sample.buffer, sample.byteOffset, sample.byteLength));
  await writeFileAtomic(join(dir, DOMAIN_FILES.record), `${JSON.stringify(domain.record, null, 2)}\n`);
}

/** The record from domain.json's bytes, checked; `source` names the file in messages. */
export function parseDomainRecord(bytes: Uint8Array, source: string): DomainRecord {
  let parsed: z.ZodSafeParseResult<DomainRecord>;
  try {
    parsed = DomainRecordSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  } catch (e) {
    throw new CrucibleError('bad-input', `${source} is not valid JSON (${(e as Error).message}).`, { hint: 'Train the run again to rewrite it.' });
  }
  if (!parsed.success)
    throw new CrucibleError('bad-input', `${source} is not a valid applicability-domain record.`, { hint: 'Train the run again to rewrite it.' });
  return parsed.data;
}

/** The run folder's domain, or null for a run trained before Crucible recorded one. */
export async function readDomain(dir: string): Promise<Domain | null> {
  let recordBytes: Uint8Array;
  let sampleBytes: Uint8Array;
  try {
    [recordBytes, sampleBytes] = await Promise.all([readFile(join(dir, DOMAIN_FILES.record)), readFile(join(dir, DOMAIN_FILES.sample))]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const record = parseDomainRecord(recordBytes, join(dir, DOMAIN_FILES.record));
  if (sampleBytes.byteLength !== record.sampleRows * record.features.length * 4) {
    throw new CrucibleError('bad-input', `${join(dir, DOMAIN_FILES.sample)} does not hold the ${record.sampleRows} rows domain.json describes.`, {
      hint: 'Train the run again to rewrite it.',
    });
  }
  // A copy: the file's buffer may not be 4-byte aligned.
  return { record, sample: new Float32Array(sampleBytes.buffer.slice(sampleBytes.byteOffset, sampleBytes.byteOffset + sampleBytes.byteLength)) };
}

/** Per row and task, in or out of the domain (1 or 0), and per row why it is out (null when every task is in). */
export interface DomainVerdicts {
  inDomain: Uint8Array[];
  notes: (string | null)[];
}

const listed = (symbols: readonly string[]) => `unseen element${symbols.length > 1 ? 's' : ''} ${symbols.join(', ')}`;
const FAR = 'far from the training data';

/** Judges rows by a domain record, for the tasks of a prediction table in its order. */
export class DomainJudge {
  /** Per task: seen[z] = 1 for elements of its training rows, or null when elements are not checked. */
  private readonly seen: (Uint8Array | null)[];
  private readonly scanner = new FormulaScanner();

  /** Tasks the record does not know (heads kept from a fine-tuning source) are judged by distance only. */
  constructor(
    private readonly record: DomainRecord,
    private readonly tasks: readonly string[],
  ) {
    this.seen = tasks.map((t) => {
      const elements = record.tasks[t]?.elements;
      if (!elements) return null;
      const seen = new Uint8Array(MAX_ATOMIC_NUMBER + 1);
      for (const symbol of elements) seen[atomicNumber(symbol)] = 1;
      return seen;
    });
  }

  /** Whether a distance lies beyond the training data. */
  far(distance: number): boolean {
    return this.record.threshold !== null && distance > this.record.threshold;
  }

  /**
   * Rows `[0, n)`: `formulas` (null: elements not checked), `distances` (mean k-nearest distances), `ok` (rows
   * without a prediction get neither a flag nor a note; their flags read 1).
   */
  judge(n: number, formulas: ArrayLike<string | null> | null, distances: Float32Array, ok?: Uint8Array): DomainVerdicts {
    const inDomain = this.tasks.map(() => new Uint8Array(n).fill(1));
    const notes: (string | null)[] = new Array<string | null>(n).fill(null);
    for (let r = 0; r < n; r++) {
      if (ok && !ok[r]) continue;
      const unseen = formulas ? this.unseen(formulas[r]) : null;
      const far = this.far(distances[r]);
      const reasons: string[] = [];
      if (unseen && unseen.some((u) => u.length > 0)) {
        const same = unseen.every((u) => u.join() === unseen[0].join());
        if (same) reasons.push(listed(unseen[0]));
        else unseen.forEach((u, t) => u.length > 0 && reasons.push(`${listed(u)} for ${this.tasks[t]}`));
      }
      if (far) reasons.push(FAR);
      if (reasons.length === 0) continue;
      notes[r] = reasons.join('; ');
      this.tasks.forEach((_, t) => {
        if (far || (unseen?.[t].length ?? 0) > 0) inDomain[t][r] = 0;
      });
    }
    return { inDomain, notes };
  }

  /** Per task, the formula's elements its training rows lacked (empty where unchecked); null for no formula. */
  private unseen(formula: string | null): string[][] | null {
    if (formula === null) return null;
    let count: number;
    try {
      count = this.scanner.scan(formula);
    } catch (e) {
      if (isCrucibleError(e)) return null;
      throw e;
    }
    const elements = this.scanner.elements;
    return this.seen.map((seen) => {
      const out: string[] = [];
      if (seen) for (let i = 0; i < count; i++) if (!seen[elements[i]]) out.push(elementSymbol(elements[i]));
      return out;
    });
  }
}
