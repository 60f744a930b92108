/** Reading predictions/test.csv back column-wise, as the evaluation plots draw it. */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataStore } from '../data/store/data-store';
import { quoteLiteral } from '../data/store/identifiers';
import { CrucibleError } from '../errors';
import { restoreText } from '../util/csv-writer';
import type { TaskKind } from '../vocabulary';
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
  const tasks = header.tasks.filter((t) => col(t.name) !== null);
  const curves = tasks.filter((t) => t.type === 'sequence' && t.stepsColumn);
  const x = steps && curves.length ? await steps(curves, header) : new Map<string, Map<string, number[]>>();
  return {
    ids,
    formulas: (col('formula') ?? []).map((v) => restoreText(v ?? '')),
    tasks: tasks.map((t) => {
      const prefix = `${t.name}_p_`;
      const scoreColumns = t.type === 'classification' ? table.names.filter((n) => n.startsWith(prefix)) : [];
      const byId = x.get(t.name);
      return {
        name: t.name,
        type: t.type,
        scores: scoreColumns.length
          ? Object.fromEntries(scoreColumns.map((n) => [n.slice(prefix.length), col(n)!.map((v) => parseCell(v, 'regression') as number | null)]))
          : null,
        predicted: col(t.name)!.map((v) => parseCell(v, t.type)),
        measured: (col(`${t.name}_true`) ?? []).map((v) => parseCell(v, t.type)),
        steps: byId ? ids.map((id) => byId.get(id) ?? null) : null,
        stepsColumn: t.stepsColumn,
      };
    }),
  };
}
