/** Reading predictions/test.csv back column-wise, as the evaluation plots draw it. */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FORMULA_CANONICAL, formulaKeyOrNull } from '../data/formula/canonical';
import { hasStoredKeys, KEY_COLUMN } from '../data/import/material-key';
import type { TrainingSet } from '../data/dataset/types';
import { DataStore } from '../data/store/data-store';
import { quoteIdentifier, quoteLiteral } from '../data/store/identifiers';
import { CrucibleError } from '../errors';
import { restoreText } from '../util/csv-writer';
import { UNCERTAINTY_PARTS, type TaskKind } from '../vocabulary';
import { readRunHeader } from './read-run';
import { RUN_FILES } from './layout';
import type { PredictionValue, RunHeader, RunPredictions } from './schemas';

/** For curve tasks with an x column: by task, each row id's x values (from the table the run trained on). */
export type StepsLookup = (tasks: RunHeader['tasks'], header: RunHeader) => Promise<Map<string, Map<string, number[]>>>;

function parseCell(text: string | null, type: TaskKind): PredictionValue {
  if (text === null || text === '') return null;
  if (type === 'classification') return restoreText(text);
  if (text.startsWith('[')) {
    try {
      const list = (JSON.parse(text) as (number | null)[]).map((v) => (typeof v === 'number' ? v : null));
      // A row without a grid has an empty prediction: nothing to show.
      return list.length ? list : null;
    } catch {
      return null;
    }
  }
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** The x values of each row, by id, from the steps column of the table the run trained on (empty when either column is gone). */
export async function stepsById(store: DataStore, table: string, idColumn: string | null, stepsColumn: string): Promise<Map<string, number[]>> {
  const info = await store.table(table);
  const id = idColumn ?? info.columns[0].name;
  const has = async (column: string) =>
    info.columns.some((c) => c.name === column) ||
    (column === KEY_COLUMN && (await hasStoredKeys(store.sql, await store.sql.value<string>('SELECT current_database()'), table)));
  if (!(await has(stepsColumn)) || !(await has(id))) return new Map();
  const rows = await store.sql.rows<{ id: string | null; x: number[] | null }>(
    `SELECT CAST(${quoteIdentifier(id)} AS VARCHAR) AS id, ${quoteIdentifier(stepsColumn)} AS x FROM ${quoteIdentifier(table)}`,
  );
  const out = new Map<string, number[]>();
  for (const r of rows) if (r.id !== null && r.x && !out.has(r.id)) out.set(r.id, r.x);
  return out;
}

/**
 * A curve task's x values by row id from the project's tables: in a run joining tables, from the `<table>.<column>`
 * its steps column names, by material key (its row ids); otherwise from the run's one table by its id column.
 */
export async function projectCurveSteps(store: DataStore, header: RunHeader, stepsColumn: string, tables: readonly string[]): Promise<Map<string, number[]>> {
  const dot = stepsColumn.indexOf('.');
  if (header.joinedTables && dot > 0 && tables.includes(stepsColumn.slice(0, dot)))
    return stepsById(store, stepsColumn.slice(0, dot), KEY_COLUMN, stepsColumn.slice(dot + 1));
  if (header.joinedTables || header.table === null || !tables.includes(header.table)) return new Map();
  return stepsById(store, header.table, header.idColumn, stepsColumn);
}

/** Each curve task's x values per row id from a training set already loaded, so nothing reads its source again. */
export function trainingSetSteps(set: TrainingSet): StepsLookup {
  return async (tasks) =>
    new Map(
      tasks.flatMap((t) => {
        const data = set.tasks.find((d) => d.name === t.name);
        if (!data?.steps || !data.lengths) return [];
        const { steps, lengths, width } = data;
        const byId = new Map<string, number[]>();
        for (let r = 0; r < set.n; r++) {
          if (lengths[r] > 0 && !byId.has(set.ids[r])) byId.set(set.ids[r], Array.from(steps.subarray(r * width, r * width + lengths[r])));
        }
        return [[t.name, byId] as const];
      }),
    );
}

/** The run's test predictions; `steps` supplies each curve task's x values, which the file does not hold. */
export async function readRunPredictions(dir: string, steps?: StepsLookup): Promise<RunPredictions> {
  const file = join(dir, RUN_FILES.testPredictions);
  if (!existsSync(file)) {
    throw new CrucibleError('not-found', `Run "${basename(dir)}" has no test predictions.`, {
      hint: 'Runs write them when training ends; a failed or interrupted run has none.',
    });
  }
  const header = await readRunHeader(dir);
  const scratch = await DataStore.inMemory();
  let table: { names: string[]; values: unknown[][] };
  try {
    table = await scratch.sql.columns(`SELECT * FROM read_csv(${quoteLiteral(file)}, header = true, all_varchar = true)`);
  } finally {
    await scratch.close();
  }
  const col = (name: string) => {
    const i = table.names.indexOf(name);
    return i < 0 ? null : (table.values[i] as (string | null)[]);
  };
  const ids = (col('id') ?? []).map((v) => restoreText(v ?? ''));
  const formulas = (col('formula') ?? []).map((v) => restoreText(v ?? ''));
  const tasks = header.tasks.filter((t) => col(t.name) !== null);
  const curves = tasks.filter((t) => t.type === 'sequence' && t.stepsColumn);
  const x = steps && curves.length ? await steps(curves, header) : new Map<string, Map<string, number[]>>();
  return {
    ids,
    formulas,
    // Runs written before the column existed get it computed, by the same rule.
    canonicalFormulas: col(FORMULA_CANONICAL)?.map((v) => restoreText(v ?? '')) ?? formulas.map((f) => formulaKeyOrNull(f) ?? ''),
    tasks: tasks.map((t) => {
      const prefix = `${t.name}_p_`;
      const scoreColumns = t.type === 'classification' ? table.names.filter((n) => n.startsWith(prefix)) : [];
      const byId = x.get(t.name);
      const numbers = (name: string) => col(name)?.map((v) => parseCell(v, 'regression') as number | null) ?? null;
      const [std, lo, hi] = UNCERTAINTY_PARTS.map((k) => numbers(`${t.name}_${k}`));
      return {
        name: t.name,
        type: t.type,
        scores: scoreColumns.length
          ? Object.fromEntries(scoreColumns.map((n) => [n.slice(prefix.length), col(n)!.map((v) => parseCell(v, 'regression') as number | null)]))
          : null,
        interval: t.type === 'regression' && std && lo && hi ? { std, lo, hi } : null,
        predicted: col(t.name)!.map((v) => parseCell(v, t.type)),
        measured: (col(`${t.name}_true`) ?? []).map((v) => parseCell(v, t.type)),
        steps: byId ? ids.map((id) => byId.get(id) ?? null) : null,
        stepsColumn: t.stepsColumn,
      };
    }),
  };
}
