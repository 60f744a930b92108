/**
 * What every `crucible slurm …` command shares: the resources each task asks for, writing the array's two scripts,
 * and with --submit submitting the tasks still to do and following them to the end (engine/cluster/array-job.ts).
 */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { arrayRanges, followArrayJob, submitArrayJob, writeArrayJob } from '../engine/cluster/array-job';
import { shellQuote, type ArrayJob } from '../engine/cluster/array-script';
import { SlurmResourcesSchema, type SlurmResources } from '../engine/cluster/resources';
import type { z } from 'zod';
import { parsePositiveInt } from './options';

export interface ArrayCliOptions extends SlurmResources {
  submit?: boolean;
  poll: number;
}

/** A commander parser checking a value against one field of the resources' schema. */
function checked(field: z.ZodType<string | undefined>) {
  return (value: string): string => {
    const parsed = field.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(`${parsed.error.issues[0].message}.`);
    return value;
  };
}

export function addArrayOptions(command: Command): Command {
  const fields = SlurmResourcesSchema.shape;
  return command
    .option('--partition <name>', 'partition the tasks run in (default: the cluster default)', checked(fields.partition))
    .option('--account <name>', 'account the tasks are charged to', checked(fields.account))
    .option('--time <limit>', 'time limit per task, e.g. 30, 2:00:00 or 1-00:00:00', checked(fields.time))
    .option('--cpus <n>', 'CPUs per task (default 1)', parsePositiveInt)
    .option('--mem <size>', 'memory per task, e.g. 8G', checked(fields.mem))
    .option('--gres <spec>', 'generic resources per task, e.g. gpu:1 for a GPU', checked(fields.gres))
    .option('--submit', 'submit the tasks still to do and the report step after them, and follow them until done')
    .option('--poll <seconds>', 'seconds between looks at the queue while following', parsePositiveInt, 10);
}

export function resourcesOf(opts: ArrayCliOptions): SlurmResources {
  const { partition, account, time, cpus, mem, gres } = opts;
  return SlurmResourcesSchema.parse({ partition, account, time, cpus, mem, gres });
}

/** The command line that runs this very `crucible` (the same Node and entry script) in a batch job. */
export function crucibleCommand(...args: string[]): string[] {
  return [process.execPath, resolve(process.argv[1]), ...args];
}

/**
 * Writes the job's scripts; with --submit, submits the indices `remaining()` names and the report step, and follows
 * them, with progress lines on stderr. Throws when a task or the report step failed.
 */
export async function runArrayCommand(job: ArrayJob, remaining: () => Promise<number[]>, opts: ArrayCliOptions): Promise<void> {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  if (!opts.submit) {
    const paths = await writeArrayJob(job);
    process.stdout.write(`${paths.array}\n${paths.report}\n`);
    err(`Wrote an array of ${job.count} tasks (${job.summary}) and its report step. Submit both with:`);
    err(`  jid=$(sbatch --parsable ${shellQuote(paths.array)}) && sbatch --dependency=afterok:$jid --kill-on-invalid-dep=yes ${shellQuote(paths.report)}`);
    err('or run this command again with --submit, which submits only the tasks whose work is not done yet.');
    return;
  }
  const todo = await remaining();
  err(
    todo.length === 0
      ? `Every one of the ${job.count} tasks is done; submitting the report step alone.`
      : `${todo.length} of ${job.count} tasks to do${todo.length < job.count ? ` (${job.count - todo.length} done before)` : ''}.`,
  );
  const submitted = await submitArrayJob(job, todo);
  if (submitted.arrayId) err(`Submitted job ${submitted.arrayId} (tasks ${arrayRanges(todo)}) and report step ${submitted.reportId} after it.`);
  else err(`Submitted report step ${submitted.reportId}.`);
  err(`Following every ${opts.poll} s; Ctrl+C stops following, the jobs go on.`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  await followArrayJob(job, submitted, { pollSeconds: opts.poll, remaining, onLine: err, signal: controller.signal });
  err('Done.');
}
