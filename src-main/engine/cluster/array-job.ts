/**
 * A job array on Slurm, start to finish: the scripts written (array-script.ts), the tasks still to do submitted as
 * one array and the report step as a job that waits for all of them (`--dependency=afterok`), then followed with
 * squeue until both are done. Whether a task succeeded is judged by its work (the caller's `remaining`: shards or
 * runs not complete), not by Slurm's records, which age out; Slurm's state only names what went wrong. A task that
 * failed is redone by submitting again: finished work is skipped, so only the remaining indices are submitted.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { CrucibleError } from '../errors';
import { writeFileAtomic } from '../util/atomic-write';
import { arrayScript, arrayScriptPaths, reportScript, taskLog, type ArrayJob, type ArrayScripts } from './array-script';
import { sacctStates, sbatch, scancel, squeueStates, type JobState } from './slurm-commands';

/** Compact array ranges for sbatch: [0, 1, 2, 5, 7, 8] → "0-2,5,7-8". */
export function arrayRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j;
  }
  return parts.join(',');
}

/** Slurm's states of a job that is over; anything else is waiting, running or on its way out. */
const FINAL_STATES = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'SPECIAL_EXIT',
  'REVOKED',
]);

/** Refuses folders that an `#SBATCH` line cannot name (it ends at whitespace). */
function checkPaths(job: ArrayJob): void {
  for (const path of [job.dir, job.workdir])
    if (/[\s"'\\]/.test(path))
      throw new CrucibleError('bad-input', `Slurm's #SBATCH lines cannot name the folder "${path}": it holds a space or a quote.`, {
        hint: 'Run from, and write to, folders whose paths have no spaces or quotes.',
      });
}

export async function writeArrayJob(job: ArrayJob): Promise<ArrayScripts> {
  checkPaths(job);
  const paths = arrayScriptPaths(job);
  await mkdir(paths.logs, { recursive: true });
  await writeFileAtomic(paths.array, arrayScript(job));
  await writeFileAtomic(paths.report, reportScript(job));
  return paths;
}

export interface Submitted {
  /** The array's job id; null when no task was left to do. */
  arrayId: string | null;
  /** The indices submitted. */
  indices: number[];
  reportId: string;
}

/** Submits tasks `indices` of the written job and its report step after them (right away when there are none). */
export async function submitArrayJob(job: ArrayJob, indices: readonly number[]): Promise<Submitted> {
  const paths = await writeArrayJob(job);
  const arrayId = indices.length > 0 ? await sbatch(paths.array, [`--array=${arrayRanges(indices)}`]) : null;
  // Without kill-on-invalid-dep, a report step whose array failed would wait in the queue for ever.
  const reportId = await sbatch(paths.report, arrayId ? [`--dependency=afterok:${arrayId}`, '--kill-on-invalid-dep=yes'] : []);
  return { arrayId, indices: [...indices], reportId };
}

export interface FollowOptions {
  /** Seconds between two looks at the queue. */
  pollSeconds: number;
  /** The indices whose work is not done, asked once the array is over. */
  remaining: () => Promise<number[]>;
  /** Progress lines (one whenever the counts change). */
  onLine: (line: string) => void;
  signal?: AbortSignal;
}

function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', wake);
      resolve();
    };
    const timer = setTimeout(wake, seconds * 1000);
    signal?.addEventListener('abort', wake);
  });
}

/** The order progress lines count states in: what is done first, what is still to come last. */
const SHOWN_ORDER = ['COMPLETED', 'RUNNING', 'PENDING'];

function describeCounts(states: readonly JobState[]): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const rank = (state: string) => (SHOWN_ORDER.includes(state) ? SHOWN_ORDER.indexOf(state) : SHOWN_ORDER.length);
  return [...counts]
    .sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]))
    .map(([state, n]) => `${n} ${state.toLowerCase()}`)
    .join(', ');
}

/** Polls job `jobId` until squeue shows none of its tasks waiting or running; returns the last states seen. */
async function waitFor(jobId: string, label: string, opts: FollowOptions): Promise<Map<number | undefined, string>> {
  const last = new Map<number | undefined, string>();
  let shown = '';
  for (;;) {
    const states = await squeueStates(jobId);
    if (states) {
      for (const s of states) last.set(s.index, s.state);
      const line = states.length > 0 ? `${label} ${jobId}: ${describeCounts(states)}` : '';
      if (line && line !== shown) opts.onLine((shown = line));
      if (states.every((s) => FINAL_STATES.has(s.state))) break;
    }
    if (opts.signal?.aborted)
      throw new CrucibleError('cancelled', `Stopped following job ${jobId}; it goes on in the queue.`, {
        hint: 'Follow it with squeue, or run the same command again once it is over: finished work is kept.',
      });
    await sleep(opts.pollSeconds, opts.signal);
  }
  // squeue forgets jobs some minutes after they end; accounting, where there is any, remembers.
  if (last.size === 0) for (const s of (await sacctStates(jobId)) ?? []) last.set(s.index, s.state);
  return last;
}

/** How a task ended, as far as Slurm said: a pending task cancelled, for one, leaves squeue without a final state. */
function taskEnd(state: string | undefined): string {
  if (state === undefined) return 'not seen in the queue';
  return FINAL_STATES.has(state) ? state.toLowerCase() : `left the queue while ${state.toLowerCase()}`;
}

const logOf = (job: ArrayJob, jobId: string, index?: number) => {
  const log = taskLog(job, jobId, index);
  return existsSync(log) ? `, log ${log}` : '';
};

/** Follows a submitted array and its report step; throws naming the tasks that failed and where their logs are. */
export async function followArrayJob(job: ArrayJob, submitted: Submitted, opts: FollowOptions): Promise<void> {
  if (submitted.arrayId) {
    const states = await waitFor(submitted.arrayId, job.name, opts);
    const remaining = new Set(await opts.remaining());
    const failed = submitted.indices.filter((i) => remaining.has(i));
    if (failed.length > 0) {
      await scancel(submitted.reportId);
      const named = failed.slice(0, 10).map((i) => `${i} (${taskEnd(states.get(i))}${logOf(job, submitted.arrayId!, i)})`);
      throw new CrucibleError(
        'bad-input',
        `${failed.length} of the ${submitted.indices.length} tasks of job ${submitted.arrayId} did not finish their work: ${named.join('; ')}${failed.length > 10 ? '; …' : ''}.`,
        { hint: 'Fix what the logs say, then run the same command again: finished tasks are kept and only these are submitted.' },
      );
    }
  }
  const report = (await waitFor(submitted.reportId, `${job.name}-report`, opts)).get(undefined);
  if (report !== undefined && report !== 'COMPLETED') {
    const log = taskLog(job, submitted.reportId);
    throw new CrucibleError('bad-input', `The report step (job ${submitted.reportId}) ended ${taskEnd(report)}.`, {
      hint: `${existsSync(log) ? `See ${log}` : 'It wrote no log'}, then run the same command again: finished tasks are kept.`,
    });
  }
}
