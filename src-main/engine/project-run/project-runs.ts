/** The runs of a project: a run id's folder (never outside runs/), the runs list, and test predictions with each curve's x values. */
import { existsSync } from 'node:fs';
import type { DataStore } from '../data/store/data-store';
import { quoteIdentifier } from '../data/store/identifiers';
import { CrucibleError } from '../errors';
import type { Project } from '../project/project';
import { listRunSummaries, readRunPredictions, type RunPredictions, type RunSummary } from '../run-folder/index';
import { pathForId } from '../util/id-path';

/** The folder of run `runId` inside the project; refuses ids that are not one plain folder name of runs/. */
export function projectRunDir(project: Project, runId: string): string {
  const dir = pathForId(project.runsDir, runId, 'run', { root: project.dir });
  if (!existsSync(dir)) {
    throw new CrucibleError('not-found', `The project has no run "${runId}".`, { hint: 'Pick a run from the runs list.' });
  }
  return dir;
}

export function listProjectRuns(project: Project, isRunning: (runId: string) => boolean = () => false): Promise<RunSummary[]> {
  return listRunSummaries(project.runsDir, isRunning);
}

/** The x values of each row, by id, from the steps column of the table the run trained on (empty when either column is gone). */
async function stepsById(store: DataStore, table: string, idColumn: string | null, stepsColumn: string): Promise<Map<string, number[]>> {
  const info = await store.table(table);
  const id = idColumn ?? info.columns[0].name;
  if (!info.columns.some((c) => c.name === stepsColumn) || !info.columns.some((c) => c.name === id)) return new Map();
  const rows = await store.sql.rows<{ id: string | null; x: number[] | null }>(
    `SELECT CAST(${quoteIdentifier(id)} AS VARCHAR) AS id, ${quoteIdentifier(stepsColumn)} AS x FROM ${quoteIdentifier(table)}`,
  );
  const out = new Map<string, number[]>();
  for (const r of rows) if (r.id !== null && r.x && !out.has(r.id)) out.set(r.id, r.x);
  return out;
}

/**
 * A project run's test predictions with, for curves, each row's x values from the project table.
 * `withStore` opens the project's database (the app queues it, see Session.withStore).
 */
export function readProjectRunPredictions(
  project: Project,
  runId: string,
  withStore: <T>(work: (store: DataStore) => Promise<T>) => Promise<T>,
): Promise<RunPredictions> {
  return readRunPredictions(projectRunDir(project, runId), async (curves, header) => {
    const steps = new Map<string, Map<string, number[]>>();
    const table = header.table;
    if (table === null || !project.table(table)) return steps;
    await withStore(async (store) => {
      for (const t of curves) steps.set(t.name, await stepsById(store, table, header.idColumn, t.stepsColumn!));
    });
    return steps;
  });
}
