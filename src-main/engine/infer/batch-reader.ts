/**
 * Reads the input table batch by batch into reused Float32Arrays: formulas featurized straight into the
 * descriptor buffer (or descriptor columns copied in), structure descriptors with their has-structure flag,
 * and each row's own x values for sequence tasks that take them. Rows that cannot be used are reported.
 */
import { formulaKeyOrNull } from '../data/formula/canonical';
import { RID } from '../data/import/relation';
import { quoteIdentifier } from '../data/store/identifiers';
import type { SqlConnection } from '../data/store/sql-connection';
import type { InputPlan } from './input-plan';
import type { InputTable } from './input-table';

/** A row (0-based in the input) that was not predicted, for all tasks or, with `task`, for one. */
export interface RowFailure {
  index: number;
  column: string | null;
  reason: string;
  task?: string;
}

export interface Batch {
  /** The first row's 0-based index in the input, and the row count. */
  start: number;
  n: number;
  /** n × descriptor count, raw values (NaN = missing). */
  x: Float32Array;
  /** n × structure descriptor count and n has-structure flags (all 0 when the input has no structure columns). */
  structure?: { values: Float32Array; has: Float32Array };
  /** Per sequence task reading the row's own x values: each row's values, or null when the row has none. */
  rowSteps: Map<string, (Float32Array | null)[]>;
  /** 1 where the row's descriptors could be computed. */
  ok: Uint8Array;
  /** With formulas featurized: each row's formula as the input has it, and its canonical formula (null where the text is no formula). */
  formulas?: (string | null)[];
  canonical?: (string | null)[];
  failures: RowFailure[];
}

/** Formulas are fetched this many rows at a time (a few MB of strings); wide descriptor rows one batch at a time. */
const FORMULA_BLOCK = 65_536;

const ALL_COLUMNS_MISSING = 'every descriptor value is missing';

export class BatchReader {
  private readonly x: Float32Array;
  private readonly structure?: { values: Float32Array; has: Float32Array };
  private readonly ok: Uint8Array;
  /** Rows per formula block: a whole number of batches, so no batch straddles two blocks. */
  private readonly blockRows: number;
  /** The block in use and the next one, whose query runs while the current block is featurized and predicted. */
  private blocks = new Map<number, Promise<(string | null)[]>>();
  /** The last query issued; the next one starts after it. */
  private queue: Promise<unknown> = Promise.resolve();

  /** `sql` must see the input table, and nothing else may use it while the reader does. */
  constructor(
    private readonly sql: SqlConnection,
    private readonly input: InputTable,
    private readonly plan: InputPlan,
    private readonly width: { descriptors: number; structure: number },
    batchSize: number,
  ) {
    this.x = new Float32Array(batchSize * width.descriptors);
    if (width.structure > 0) this.structure = { values: new Float32Array(batchSize * width.structure), has: new Float32Array(batchSize) };
    this.ok = new Uint8Array(batchSize);
    this.blockRows = batchSize * Math.max(1, Math.floor(FORMULA_BLOCK / batchSize));
  }

  /**
   * Rows [start, start + n) as SQL columns (one array per expression). Queries run one after the other (a
   * connection takes one at a time), but each overlaps whatever the caller does until it awaits the result.
   */
  private rows(exprs: string[], start: number, n: number): Promise<unknown[][]> {
    const sql = `SELECT ${exprs.join(', ')} FROM ${quoteIdentifier(this.input.table)} WHERE ${RID} >= ${start} AND ${RID} < ${start + n} ORDER BY ${RID}`;
    const result = this.queue.then(() => this.sql.columns(sql)).then((r) => r.values);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private block(column: string, index: number): Promise<(string | null)[]> {
    let block = this.blocks.get(index);
    if (!block) {
      block = this.rows([`CAST(${quoteIdentifier(column)} AS VARCHAR)`], index * this.blockRows, this.blockRows).then(
        ([values]) => values as (string | null)[],
      );
      this.blocks.set(index, block);
    }
    return block;
  }

  private async formulas(column: string, start: number, n: number): Promise<(string | null)[]> {
    const index = Math.floor(start / this.blockRows);
    for (const key of this.blocks.keys()) if (key < index) this.blocks.delete(key);
    const formulas = await this.block(column, index);
    if ((index + 1) * this.blockRows < this.input.rowCount) this.block(column, index + 1).catch(() => undefined);
    const from = start - index * this.blockRows;
    return formulas.slice(from, from + n);
  }

  /** Waits for a query still running (a prefetch), so the connection can be closed after an error or a cancel. */
  async drain(): Promise<void> {
    await this.queue;
    this.blocks.clear();
  }

  /** Copies numeric columns into `out` (row-major, NaN for missing); returns per row whether any value is present. */
  private async numbers(columns: string[], start: number, n: number, out: Float32Array): Promise<Uint8Array> {
    const values = (await this.rows(
      columns.map((c) => `CAST(${quoteIdentifier(c)} AS DOUBLE)`),
      start,
      n,
    )) as (number | null)[][];
    const width = columns.length;
    const any = new Uint8Array(n);
    values.forEach((column, j) => {
      for (let r = 0; r < n; r++) {
        const v = column[r];
        out[r * width + j] = v === null ? NaN : v;
        if (v !== null) any[r] = 1;
      }
    });
    return any;
  }

  async read(start: number, n: number): Promise<Batch> {
    const { plan } = this;
    const failures: RowFailure[] = [];
    const x = this.x.subarray(0, n * this.width.descriptors);
    const ok = this.ok.subarray(0, n).fill(1);
    let canonical: Batch['canonical'];
    let formulas: Batch['formulas'];
    if (plan.descriptors.kind === 'featurize') {
      const { column, featurizer } = plan.descriptors;
      formulas = await this.formulas(column, start, n);
      canonical = formulas.map((f) => (f === null ? null : formulaKeyOrNull(f)));
      for (const f of featurizer.featurizeInto(formulas, x)) {
        ok[f.index] = 0;
        failures.push({ index: start + f.index, column, reason: f.hint ? `${f.reason} ${f.hint}` : f.reason });
      }
    } else {
      const present = await this.numbers(plan.descriptors.columns, start, n, x);
      for (let r = 0; r < n; r++) {
        if (present[r]) continue;
        ok[r] = 0;
        failures.push({ index: start + r, column: null, reason: ALL_COLUMNS_MISSING });
      }
    }
    let structure: Batch['structure'];
    if (this.structure) {
      const values = this.structure.values.subarray(0, n * this.width.structure);
      const has = this.structure.has.subarray(0, n);
      if (plan.structure) {
        const present = await this.numbers(plan.structure, start, n, values);
        for (let r = 0; r < n; r++) has[r] = present[r];
      } else {
        values.fill(0);
        has.fill(0);
      }
      structure = { values, has };
    }
    const rowSteps = new Map<string, (Float32Array | null)[]>();
    for (const [task, source] of plan.steps) {
      if (source.kind !== 'column') continue;
      const [lists] = (await this.rows([`CAST(${quoteIdentifier(source.column)} AS DOUBLE[])`], start, n)) as ((number | null)[] | null)[][];
      rowSteps.set(
        task,
        lists.map((list, r) => {
          if (!ok[r]) return null;
          const reason = list === null || list.length === 0 ? 'no x values' : list.includes(null) ? 'a missing x value' : null;
          if (reason === null) return Float32Array.from(list as number[]);
          failures.push({ index: start + r, column: source.column, reason: `${reason} for task "${task}"`, task });
          return null;
        }),
      );
    }
    return { start, n, x, structure, rowSteps, ok, failures, ...(formulas && canonical && { formulas, canonical }) };
  }
}
