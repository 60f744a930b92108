/**
 * What the Tasks page shows before training: labelled rows per split of each task, with the split a run would
 * draw, and how many materials each pair of tasks shares (tasks of several tables are joined by material, so
 * the pairs tell which tasks can inform each other).
 */
import { SPLIT_NAMES, type SplitName } from '../data/dataset/types';
import { loadRunData } from '../data/load-run-data';
import type { Project } from '../project/project';
import type { TaskSpec } from '../project/tasks';
import type { TrainSettings } from '../project/train-settings';
import { decideBounds } from '../train/bounds';
import { projectRunConfig } from './run-config';

export type SplitCounts = Record<SplitName, number>;

export interface TaskOverlap {
  /** Task names, in the order of the rows and columns of `shared`. */
  tasks: string[];
  /** `shared[i][j]`: materials labelled for both task i and task j (the diagonal: labelled for task i). */
  shared: number[][];
  /** Materials of the run: the union over the tasks' tables. */
  materials: number;
}

export interface LabelCounts {
  counts: Record<string, SplitCounts>;
  overlap: TaskOverlap;
  /** Each regression or curve task's lower bound as a run would decide it (`auto`: 0 when every training label is ≥ 0). */
  lowerBounds: Record<string, number | null>;
}

/** Counts disabled tasks too (as if enabled). Opens the project's database: call it where the app queues database work. */
export async function countLabelledRows(project: Project, tasks: readonly TaskSpec[], settings: TrainSettings): Promise<LabelCounts> {
  if (tasks.length === 0) return { counts: {}, overlap: { tasks: [], shared: [], materials: 0 }, lowerBounds: {} };
  const enabled = tasks.map((t) => ({ ...t, enabled: true }));
  const config = projectRunConfig(project, enabled, settings);
  const { set } = await loadRunData(config, { project });
  const lowerBounds = Object.fromEntries(
    decideBounds(config, set)
      .tasks.filter((t) => t.kind !== 'classification')
      .map((t) => [t.name, typeof t.bounds.lower === 'number' ? t.bounds.lower : null]),
  );
  const counts: Record<string, SplitCounts> = {};
  for (const task of set.tasks) {
    const c = [0, 0, 0];
    for (let r = 0; r < set.n; r++) if (task.valid[r]) c[set.split[r]]++;
    counts[task.name] = Object.fromEntries(SPLIT_NAMES.map((s, i) => [s, c[i]])) as SplitCounts;
  }
  const shared = set.tasks.map((a) =>
    set.tasks.map((b) => {
      let n = 0;
      for (let r = 0; r < set.n; r++) n += a.valid[r] & b.valid[r];
      return n;
    }),
  );
  return { counts, overlap: { tasks: set.tasks.map((t) => t.name), shared, materials: set.n }, lowerBounds };
}
