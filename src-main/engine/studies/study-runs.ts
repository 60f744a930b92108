/**
 * A study's runs one at a time, for job arrays (`crucible slurm sweep|compare|bench`): a study lists its runs in a
 * fixed order, so a task's array index names one run; any run can be trained alone (`--run-index I`), and the study's
 * tables are made afterwards from the finished run folders (`--collect`). A run that finished is kept and one that was
 * interrupted resumes from its last checkpoint, so submitting the array again redoes only what failed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CrucibleError } from '../errors';
import type { JobContext } from '../jobs/job';
import { readRunDetails, RUN_FILES } from '../run-folder/index';
import type { MetricsReport } from '../train/reports';
import type { RunSummary, RunTrainingInput, TrainingEvent } from '../train/run-training';
import { trainJob } from './train-job';

/** One run of a study: what its table calls it, and its run folder. */
export interface StudyRun {
  label: string;
  runDir: string;
}

/** Whether `runDir` holds a run that ran to its end (not cancelled) and wrote its metrics. */
export async function runFinished(runDir: string): Promise<boolean> {
  if (!existsSync(join(runDir, RUN_FILES.metrics))) return false;
  return (await readRunDetails(runDir)).summary.status === 'done';
}

/** The positions in `runs` of the runs that have not finished, in order. */
export async function unfinishedRuns(runs: readonly StudyRun[]): Promise<number[]> {
  const finished = await Promise.all(runs.map((r) => runFinished(r.runDir)));
  return runs.flatMap((_, i) => (finished[i] ? [] : [i]));
}

/** A finished run read back from its folder, as the training returned it. */
async function readSummary(runDir: string): Promise<RunSummary> {
  const { summary, metrics } = await readRunDetails(runDir);
  return {
    runDir,
    backend: summary.backend ?? '',
    epochsRun: summary.epochsRun,
    bestEpoch: summary.bestEpoch ?? metrics?.best_epoch ?? 0,
    stopReason: summary.stopReason,
    cancelled: false,
    // metrics.json is the report the training wrote; the run-folder schema reads it back without narrowing it.
    metrics: metrics as unknown as MetricsReport | null,
  };
}

/** Every run's summary, in order; throws naming the runs that have not finished. */
export async function collectRuns(runs: readonly StudyRun[]): Promise<RunSummary[]> {
  const missing = await unfinishedRuns(runs);
  if (missing.length > 0) {
    const named = missing.slice(0, 10).map((i) => `${i} (${runs[i].label})`);
    throw new CrucibleError(
      'not-found',
      `${missing.length} of the study's ${runs.length} runs have not finished: ${named.join(', ')}${missing.length > 10 ? ', …' : ''}.`,
      {
        hint: 'Train them with the same command and --run-index I (or submit the Slurm array again: finished runs are kept), then collect.',
      },
    );
  }
  return Promise.all(runs.map((r) => readSummary(r.runDir)));
}

/** Checks a 0-based run index against the study's runs. */
export function studyRun<T extends StudyRun>(runs: readonly T[], index: number): T {
  const run = runs[index];
  if (!run)
    throw new CrucibleError('bad-input', `The study has ${runs.length} runs (0 to ${runs.length - 1}); there is no run ${index}.`, {
      hint: 'Give --run-index a number below the run count; `crucible slurm …` writes an array of exactly these runs.',
    });
  return run;
}

/** Trains one run of a study in this process, unless it finished before; an interrupted run resumes. */
export async function trainStudyRun(input: RunTrainingInput, ctx: JobContext<TrainingEvent>): Promise<{ summary: RunSummary; reused: boolean }> {
  if (await runFinished(input.runDir)) return { summary: await readSummary(input.runDir), reused: true };
  return { summary: await trainJob({ ...input, resume: true }, ctx), reused: false };
}
