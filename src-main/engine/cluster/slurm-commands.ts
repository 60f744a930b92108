/**
 * Slurm's client commands (sbatch, squeue, sacct, scancel) as functions. They talk to the cluster named by the
 * environment (SLURM_CONF, or /etc/slurm/slurm.conf), as they do when a user types them.
 */
import { execFile } from 'node:child_process';
import { CrucibleError } from '../errors';

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[]): Promise<Output> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT')
        return reject(
          new CrucibleError('unsupported', `${command} was not found: this machine has no Slurm commands on its PATH.`, {
            hint: 'Run `crucible slurm … --submit` on a login node of the cluster, or submit the written scripts there with sbatch.',
          }),
        );
      resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
    });
  });
}

/** Submits `script` (`sbatch --parsable`) and returns the job id. */
export async function sbatch(script: string, args: readonly string[] = []): Promise<string> {
  const out = await run('sbatch', ['--parsable', ...args, script]);
  if (out.code !== 0)
    throw new CrucibleError('bad-input', `sbatch refused ${script}: ${out.stderr.trim() || `exit status ${out.code}`}`, {
      hint: 'Check --partition, --account, --time, --mem and --gres against what the cluster offers (sinfo lists its partitions).',
    });
  // --parsable prints "id" or "id;cluster".
  return out.stdout.trim().split(';')[0];
}

/** One job, or one task of an array job, and its state (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, …). */
export interface JobState {
  /** The array index; undefined for a job outside an array. */
  index?: number;
  state: string;
}

const JOB_LINE = /^(\d+)(?:_(\d+))?\|([A-Z_]+)/;

function parseStates(text: string, jobId: string): JobState[] {
  return text.split('\n').flatMap((line) => {
    const m = JOB_LINE.exec(line.trim());
    if (!m || m[1] !== jobId) return [];
    const state = m[3].split(' ')[0];
    return [m[2] === undefined ? { state } : { index: Number(m[2]), state }];
  });
}

/**
 * The tasks of job `jobId` that squeue still knows, finished ones included (for MinJobAge after they end), one line
 * per array task: empty when squeue no longer knows the job, null when it could not ask (a busy controller times out).
 */
export async function squeueStates(jobId: string): Promise<JobState[] | null> {
  const out = await run('squeue', ['--noheader', '--array', '--states=all', `--jobs=${jobId}`, '--format=%i|%T']);
  if (out.code === 0) return parseStates(out.stdout, jobId);
  return /invalid job id/i.test(out.stderr) ? [] : null;
}

/** The job's final states from the accounting database; null where the cluster keeps no accounting. */
export async function sacctStates(jobId: string): Promise<JobState[] | null> {
  const out = await run('sacct', ['--noheader', '--parsable2', '--allocations', `--jobs=${jobId}`, '--format=JobID,State']);
  return out.code === 0 ? parseStates(out.stdout, jobId) : null;
}

export async function scancel(jobId: string): Promise<void> {
  await run('scancel', [jobId]);
}
