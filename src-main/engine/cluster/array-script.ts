/**
 * The two batch scripts of a job array: `<name>.sbatch`, whose task I runs one command with I in place of
 * {@link ARRAY_INDEX} (a shard, a run of a study), and `<name>-report.sbatch`, the step that runs once every task
 * succeeded (the merge, the study's tables). Plain bash with `#SBATCH` lines, so a user can read them, edit them and
 * submit them by hand on a cluster where `crucible slurm --submit` cannot run.
 */
import { join } from 'node:path';
import { resourceDirectives, type SlurmResources } from './resources';

/** In a task's command, the task's array index. */
export const ARRAY_INDEX = '{index}';

export interface ArrayJob {
  /** Slurm's job name and the scripts' base name, e.g. crucible-predict. */
  name: string;
  /** The folder of the scripts and, in logs/, each task's output. */
  dir: string;
  /** Tasks first … first + count − 1. */
  count: number;
  /** The first task's index, 0 unless the steps count from 1 (an ensemble's members). */
  first?: number;
  /** One task's command line, {@link ARRAY_INDEX} standing for its index. */
  task: string[];
  /** The command that runs after every task succeeded. */
  report: string[];
  resources: SlurmResources;
  /** The folder both commands run in. */
  workdir: string;
  /** One line for the scripts' heading: what a task does. */
  summary: string;
}

export interface ArrayScripts {
  array: string;
  report: string;
  logs: string;
}

export function arrayScriptPaths(job: Pick<ArrayJob, 'dir' | 'name'>): ArrayScripts {
  return { array: join(job.dir, `${job.name}.sbatch`), report: join(job.dir, `${job.name}-report.sbatch`), logs: join(job.dir, 'logs') };
}

/** The log file of array task `index` of job `jobId` (or of a job outside an array), as the scripts name them. */
export function taskLog(job: Pick<ArrayJob, 'dir' | 'name'>, jobId: string, index?: number): string {
  return join(arrayScriptPaths(job).logs, index === undefined ? `${job.name}-report-${jobId}.out` : `${job.name}-${jobId}_${index}.out`);
}

/** Single-quoted for bash: nothing inside is expanded. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** One word of a command line for bash, {@link ARRAY_INDEX} becoming the task's index from Slurm's environment. */
function commandWord(arg: string): string {
  if (!arg.includes(ARRAY_INDEX)) return shellQuote(arg);
  return arg
    .split(ARRAY_INDEX)
    .map((piece) => (piece === '' ? '' : shellQuote(piece)))
    .join('"$SLURM_ARRAY_TASK_ID"');
}

const commandLine = (argv: readonly string[]) => argv.map(commandWord).join(' ');

function script(lines: readonly string[], argv: readonly string[]): string {
  return ['#!/bin/bash', ...lines, '', `exec ${commandLine(argv)}`, ''].join('\n');
}

export function arrayScript(job: ArrayJob): string {
  const { logs } = arrayScriptPaths(job);
  return script(
    [
      `# Written by Crucible: ${job.summary}; the command gets I as $SLURM_ARRAY_TASK_ID.`,
      `# Submit: sbatch ${shellQuote(arrayScriptPaths(job).array)}; then the report step with --dependency=afterok:<job id>.`,
      `#SBATCH --job-name=${job.name}`,
      `#SBATCH --array=${job.first ?? 0}-${(job.first ?? 0) + job.count - 1}`,
      `#SBATCH --output=${logs}/%x-%A_%a.out`,
      `#SBATCH --chdir=${job.workdir}`,
      ...resourceDirectives(job.resources),
    ],
    job.task,
  );
}

export function reportScript(job: ArrayJob): string {
  const { logs } = arrayScriptPaths(job);
  return script(
    [
      `# Written by Crucible: the step after ${job.name}'s ${job.count} tasks. Submit with --dependency=afterok:<the array's job id>.`,
      `#SBATCH --job-name=${job.name}-report`,
      `#SBATCH --output=${logs}/%x-%j.out`,
      `#SBATCH --chdir=${job.workdir}`,
      ...resourceDirectives(job.resources, false),
    ],
    job.report,
  );
}
