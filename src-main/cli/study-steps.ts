/**
 * The options that split a study (`sweep`, `compare`, `bench matbench`) into the steps of a job array: `--run-index I`
 * trains run I alone, `--collect` writes the tables from the finished runs. `crucible slurm …` writes arrays of these.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { CrucibleError } from '../engine/errors';
import { studyRun, trainStudyRun, type StudyRun } from '../engine/studies/study-runs';
import type { RunTrainingInput } from '../engine/train/run-training';
import { trainingProgress } from './progress';

export interface StudyStepOptions {
  runIndex?: number;
  collect?: boolean;
  out?: string;
}

function parseIndex(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a run number from 0.');
  return n;
}

export function addStudyStepOptions(command: Command): Command {
  return command
    .option(
      '--run-index <i>',
      'train only run I of the study (from 0, in table order) and stop; a finished run is kept, an interrupted one resumes',
      parseIndex,
    )
    .option('--collect', 'write the tables from the finished runs in --out, training nothing');
}

/** Refuses step options that cannot work, before any data is loaded. */
export function checkStudySteps(opts: StudyStepOptions): void {
  if (opts.runIndex !== undefined && opts.collect)
    throw new CrucibleError('bad-input', '--run-index and --collect are two steps: give one of them.', {
      hint: 'Train each run with --run-index I, then make the tables once with --collect.',
    });
  if ((opts.runIndex !== undefined || opts.collect) && !opts.out)
    throw new CrucibleError('bad-input', `--${opts.collect ? 'collect' : 'run-index'} needs --out: the study's folder, the same for every step.`, {
      hint: 'Give every step the same --out DIR.',
    });
}

/** Trains run `index` of `runs` in this process, with epoch lines on stderr and the run folder on stdout. */
export async function trainOneStudyRun<T extends StudyRun>(runs: readonly T[], index: number, input: (run: T) => RunTrainingInput): Promise<void> {
  const run = studyRun(runs, index);
  process.stderr.write(`Run ${index} of ${runs.length}: ${run.label}\n`);
  const progress = trainingProgress();
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  try {
    const { summary, reused } = await trainStudyRun(input(run), { emit: progress.onEvent, signal: controller.signal });
    progress.stop();
    if (summary.cancelled)
      throw new CrucibleError('cancelled', `Run ${index} (${run.label}) stopped after epoch ${summary.epochsRun}.`, {
        hint: 'Run the same step again: it resumes from the last checkpoint.',
      });
    process.stderr.write(reused ? `Run ${index} had finished before; kept.\n` : `Run ${index} done after ${summary.epochsRun} epochs.\n`);
    process.stdout.write(`${summary.runDir}\n`);
  } finally {
    progress.stop();
  }
}
