/**
 * The predictions of a run as a scratch DuckDB table (appended in data chunks, never row objects), and the
 * SELECT that joins them to the kept input columns under the user's names: one column per regression or
 * curve task (curves as lists, written as JSON arrays in CSV), the class label and one probability column
 * per class for classification, an ensemble's std and interval bounds (`<task>_std`, `_lo`, `_hi`), and the
 * x-grid beside curves predicted on the model's grid, and, when the model carries its applicability domain,
 * `<task>_in_domain` after each task's columns and one `domain_note` last. Every input column comes first unless the
 * plan keeps fewer; formulas stay as the input wrote them, with each row's canonical formula right after them.
 */
import { BOOLEAN, DuckDBDataChunk, FLOAT, INTEGER, LIST, listValue, VARCHAR, type DuckDBAppender, type DuckDBType } from '@duckdb/node-api';
import { FORMULA_CANONICAL } from '../data/formula/canonical';
import { RID } from '../data/import/relation';
import { quoteIdentifier, quoteLiteral } from '../data/store/identifiers';
import type { SqlConnection } from '../data/store/sql-connection';
import type { BundleManifest, ManifestTask } from '../export/bundle/manifest';
import { shownDecimals } from '../util/quantities';
import type { ColumnRounding } from './csv-rounding';
import type { InputPlan } from './input-plan';
import type { TaskPrediction } from './model-runner';
import type { DomainVerdicts } from '../run-folder/domain';
import { DOMAIN_COLUMNS, UNCERTAINTY_PARTS } from '../vocabulary';

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

interface StoredColumn {
  name: string;
  type: DuckDBType;
  sqlType: string;
}

const floatColumn = (name: string): StoredColumn => ({ name, type: FLOAT, sqlType: 'FLOAT' });

/** The stored columns of task number `i`: t{i} (values, list or class index), then t{i}_p{k} per class, or t{i}_std, _lo, _hi. */
function taskColumns(task: ManifestTask, i: number): StoredColumn[] {
  const list = task.kind === 'sequence' || task.width > 1;
  if (task.kind === 'classification') {
    return [{ name: `t${i}`, type: INTEGER, sqlType: 'INTEGER' }, ...task.classes!.map((_, k) => floatColumn(`t${i}_p${k}`))];
  }
  if (list) return [{ name: `t${i}`, type: LIST(FLOAT), sqlType: 'FLOAT[]' }];
  return [floatColumn(`t${i}`), ...(task.uncertainty ? UNCERTAINTY_PARTS.map((k) => floatColumn(`t${i}_${k}`)) : [])];
}

export interface OutputSelect {
  sql: string;
  /** The output's column names, in order. */
  columns: string[];
  /** Curve columns and their x columns, for the project's table description. */
  curves: { y: string; x: string }[];
  /** How a CSV rounds the prediction columns (see csv-rounding.ts). */
  rounding: ColumnRounding[];
}

export class PredictionTable {
  private readonly types: DuckDBType[];

  private constructor(
    readonly name: string,
    private readonly manifest: BundleManifest,
    private readonly appender: DuckDBAppender,
    private readonly canonical: boolean,
    private readonly domain: boolean,
  ) {
    this.types = [
      INTEGER,
      ...(canonical ? [VARCHAR] : []),
      ...manifest.tasks.flatMap((t, i) => taskColumns(t, i).map((c) => c.type)),
      ...(domain ? [...manifest.tasks.map(() => BOOLEAN), VARCHAR] : []),
    ];
  }

  /**
   * `canonical`: the rows' canonical formulas are stored too (when the input's formulas are featurized). `domain`:
   * each task's in-domain flag (`t{i}_in`) and the row's note (`domain_note`) are stored too.
   */
  static async create(sql: SqlConnection, name: string, manifest: BundleManifest, canonical: boolean, domain = false): Promise<PredictionTable> {
    const columns = [
      `${RID} INTEGER`,
      ...(canonical ? ['canonical VARCHAR'] : []),
      ...manifest.tasks.flatMap((t, i) => taskColumns(t, i).map((c) => `${c.name} ${c.sqlType}`)),
      ...(domain ? [...manifest.tasks.map((_, i) => `t${i}_in BOOLEAN`), 'domain_note VARCHAR'] : []),
    ];
    await sql.run(`CREATE TABLE ${quoteIdentifier(name)} (${columns.join(', ')})`);
    return new PredictionTable(name, manifest, await sql.appender(name), canonical, domain);
  }

  /**
   * Appends a batch's predictions; rows with `ok` 0 (or no prediction for a task) get NULLs. `canonical` holds the
   * batch's canonical formulas (null where a row's text is no formula) when the table stores them, `domain` the
   * batch's verdicts when it stores those.
   */
  append(
    start: number,
    n: number,
    ok: Uint8Array,
    predictions: Map<string, TaskPrediction>,
    canonical?: readonly (string | null)[],
    domain?: DomainVerdicts,
  ): void {
    for (let from = 0; from < n; from += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, n - from);
      const chunk = DuckDBDataChunk.create(this.types, rows);
      const rid = chunk.getColumnVector(0);
      for (let r = 0; r < rows; r++) rid.setItem(r, start + from + r);
      rid.flush();
      let column = 1;
      if (this.canonical) {
        const keys = chunk.getColumnVector(column++);
        for (let r = 0; r < rows; r++) keys.setItem(r, canonical?.[from + r] ?? null);
        keys.flush();
      }
      for (const task of this.manifest.tasks) column = this.setTask(chunk, column, task, predictions.get(task.name)!, ok, from, rows);
      if (this.domain) this.setDomain(chunk, column, domain!, ok, from, rows);
      this.appender.appendDataChunk(chunk);
    }
    this.appender.flushSync();
  }

  /** Writes one task's columns of a chunk (rows [from, from + rows) of the batch); returns the next column. */
  private setTask(chunk: DuckDBDataChunk, column: number, task: ManifestTask, p: TaskPrediction, ok: Uint8Array, from: number, rows: number): number {
    const values = chunk.getColumnVector(column);
    if (p.kind === 'rows') {
      for (let r = 0; r < rows; r++) {
        const row = p.rows[from + r];
        values.setItem(r, ok[from + r] && row ? listValue(Array.from(row)) : null);
      }
      values.flush();
      return column + 1;
    }
    const { data, width } = p;
    if (task.kind === 'classification') {
      const probabilities = Array.from({ length: width }, (_, k) => chunk.getColumnVector(column + 1 + k));
      for (let r = 0; r < rows; r++) {
        const base = (from + r) * width;
        if (!ok[from + r]) {
          values.setItem(r, null);
          for (const pk of probabilities) pk.setItem(r, null);
          continue;
        }
        let best = 0;
        for (let k = 0; k < width; k++) {
          if (data[base + k] > data[base + best]) best = k;
          probabilities[k].setItem(r, data[base + k]);
        }
        values.setItem(r, best);
      }
      for (const v of [values, ...probabilities]) v.flush();
      return column + 1 + width;
    }
    for (let r = 0; r < rows; r++) {
      const base = (from + r) * width;
      if (!ok[from + r]) values.setItem(r, null);
      else values.setItem(r, width === 1 && task.kind === 'regression' ? data[base] : listValue(Array.from(data.subarray(base, base + width))));
    }
    values.flush();
    if (!task.uncertainty || !p.uncertainty) return column + 1;
    UNCERTAINTY_PARTS.forEach((k, j) => {
      const vector = chunk.getColumnVector(column + 1 + j);
      const source = p.uncertainty![k];
      for (let r = 0; r < rows; r++) vector.setItem(r, ok[from + r] ? source[from + r] : null);
      vector.flush();
    });
    return column + 1 + UNCERTAINTY_PARTS.length;
  }

  /** Writes the domain columns of a chunk: each task's flag, then the note; NULL for rows without a prediction. */
  private setDomain(chunk: DuckDBDataChunk, column: number, domain: DomainVerdicts, ok: Uint8Array, from: number, rows: number): void {
    domain.inDomain.forEach((flags, t) => {
      const vector = chunk.getColumnVector(column + t);
      for (let r = 0; r < rows; r++) vector.setItem(r, ok[from + r] ? flags[from + r] === 1 : null);
      vector.flush();
    });
    const notes = chunk.getColumnVector(column + domain.inDomain.length);
    for (let r = 0; r < rows; r++) notes.setItem(r, ok[from + r] ? domain.notes[from + r] : null);
    notes.flush();
  }

  close(): void {
    this.appender.closeSync();
  }

  /**
   * The output rows: the kept input columns, then the predictions under their user-facing names. `carried` input
   * columns (a shard's row index) come first, under their own names, and are not listed in `columns`.
   */
  outputSelect(inputTable: string, plan: InputPlan, carried: readonly string[] = []): OutputSelect {
    const taken = new Set(plan.keep);
    const named = (base: string) => {
      let name = taken.has(base) ? `${base}_predicted` : base;
      for (let k = 2; taken.has(name); k++) name = `${base}_predicted_${k}`;
      taken.add(name);
      return name;
    };
    const select = carried.map((c) => `i.${quoteIdentifier(c)}`);
    const columns: string[] = [];
    const curves: OutputSelect['curves'] = [];
    const rounding: ColumnRounding[] = [];
    const add = (expr: string, name: string) => {
      select.push(`${expr} AS ${quoteIdentifier(name)}`);
      columns.push(name);
    };
    const formula = plan.descriptors.kind === 'featurize' ? plan.descriptors.column : null;
    for (const c of plan.keep) {
      add(`i.${quoteIdentifier(c)}`, c);
      if (this.canonical && c === formula) add('p.canonical', named(FORMULA_CANONICAL));
    }
    if (this.canonical && (formula === null || !plan.keep.includes(formula))) add('p.canonical', named(FORMULA_CANONICAL));
    const flag = (task: ManifestTask, i: number) => {
      if (this.domain) add(`p.t${i}_in`, named(`${task.name}_${DOMAIN_COLUMNS.flagSuffix}`));
    };
    this.manifest.tasks.forEach((task, i) => {
      const name = named(task.name);
      if (task.kind === 'classification') {
        add(`([${task.classes!.map(quoteLiteral).join(', ')}])[p.t${i} + 1]`, name);
        task.classes!.forEach((label, k) => {
          const column = named(`${task.name}_prob_${label}`);
          add(`p.t${i}_p${k}`, column);
          rounding.push({ column, decimals: null, list: false });
        });
        flag(task, i);
        return;
      }
      add(`p.t${i}`, name);
      const decimals = shownDecimals(this.manifest.metrics?.tasks[task.name]?.test.mae);
      rounding.push({ column: name, decimals, list: task.kind === 'sequence' || task.width > 1 });
      if (task.uncertainty)
        for (const k of UNCERTAINTY_PARTS) {
          const column = named(`${task.name}_${k}`);
          add(`p.t${i}_${k}`, column);
          rounding.push({ column, decimals, list: false });
        }
      const steps = plan.steps.get(task.name);
      if (steps?.kind === 'grid') {
        const x = named(`${task.name}_${steps.column ?? 'steps'}`);
        add(`CASE WHEN p.t${i} IS NOT NULL THEN [${steps.grid.map((v) => String(v)).join(', ')}]::DOUBLE[] END`, x);
        curves.push({ y: name, x });
      } else if (steps) curves.push({ y: name, x: steps.column });
      flag(task, i);
    });
    if (this.domain) add('p.domain_note', named(DOMAIN_COLUMNS.note));
    const sql = `SELECT ${select.join(', ')} FROM ${quoteIdentifier(inputTable)} i JOIN ${quoteIdentifier(this.name)} p ON i.${RID} = p.${RID} ORDER BY i.${RID}`;
    return { sql, columns, curves, rounding };
  }
}
