/** Labelled rows per split of each task, with the split a run would draw: what the Tasks page shows beside each task. */
import { SPLIT_NAMES, type SplitName } from '../data/dataset/types';
import { loadRunData } from '../data/load-run-data';
import type { Project } from '../project/project';
import type { TaskSpec } from '../project/tasks';
import type { TrainSettings } from '../project/train-settings';
import { projectRunConfig } from './run-config';

export type SplitCounts = Record<SplitName, number>;

/** Counts disabled tasks too (as if enabled). Opens the project's database: call it where the app queues database work. */
export async function countLabelledRows(project: Project, tasks: readonly TaskSpec[], settings: TrainSettings): Promise<Record<string, SplitCounts>> {
  const counts: Record<string, SplitCounts> = {};
  for (const table of new Set(tasks.map((t) => t.table))) {
    const mine = tasks.filter((t) => t.table === table).map((t) => ({ ...t, enabled: true }));
    const { set } = await loadRunData(projectRunConfig(project, table, mine, settings), { project });
    for (const task of set.tasks) {
      const c = [0, 0, 0];
      for (let r = 0; r < set.n; r++) if (task.valid[r]) c[set.split[r]]++;
      counts[task.name] = Object.fromEntries(SPLIT_NAMES.map((s, i) => [s, c[i]])) as SplitCounts;
    }
  }
  return counts;
}
