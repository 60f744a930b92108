/**
 * What the tasks of a job array ask Slurm for. Each value set becomes one `#SBATCH` line of the script, so each is
 * checked here against the forms sbatch accepts: a value with a space or a newline would break the script.
 */
import { z } from 'zod';

const NAME = /^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/;

export const SlurmResourcesSchema = z.object({
  partition: z.string().regex(NAME, 'expected a partition name (letters, digits, _ . -), or several separated by commas').optional(),
  account: z.string().regex(NAME, 'expected an account name (letters, digits, _ . -)').optional(),
  /** minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS */
  time: z
    .string()
    .regex(/^(\d+-\d+(:\d+){0,2}|\d+(:\d+){0,2})$/, 'expected a time limit as sbatch takes it: minutes, HH:MM:SS or D-HH:MM:SS')
    .optional(),
  cpus: z.number().int().positive().optional(),
  mem: z
    .string()
    .regex(/^\d+[KMGT]?$/, 'expected memory per node as sbatch takes it, e.g. 4G or 500M')
    .optional(),
  /** e.g. gpu:1 or gpu:a100:2 */
  gres: z
    .string()
    .regex(
      /^[A-Za-z0-9_]+(:[A-Za-z0-9_.-]+)*(,[A-Za-z0-9_]+(:[A-Za-z0-9_.-]+)*)*$/,
      'expected generic resources as sbatch takes them, e.g. gpu:1 or gpu:a100:2',
    )
    .optional(),
});
export type SlurmResources = z.infer<typeof SlurmResourcesSchema>;

/** The `#SBATCH` lines of `resources`; `withDevices: false` leaves out CPUs and GPUs (a merge or a table needs neither). */
export function resourceDirectives(resources: SlurmResources, withDevices = true): string[] {
  const r = resources;
  return [
    r.partition && `--partition=${r.partition}`,
    r.account && `--account=${r.account}`,
    r.time && `--time=${r.time}`,
    r.mem && `--mem=${r.mem}`,
    withDevices && r.cpus && `--cpus-per-task=${r.cpus}`,
    withDevices && r.gres && `--gres=${r.gres}`,
  ]
    .filter((d): d is string => Boolean(d))
    .map((d) => `#SBATCH ${d}`);
}
