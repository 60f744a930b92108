/** The batch scripts of a job array, their resource lines and what they refuse; array ranges for sbatch. */
import { describe, expect, it } from 'vitest';
import { arrayRanges } from '../../../../src-main/engine/cluster/array-job';
import { ARRAY_INDEX, arrayScript, reportScript, shellQuote, type ArrayJob } from '../../../../src-main/engine/cluster/array-script';
import { resourceDirectives, SlurmResourcesSchema } from '../../../../src-main/engine/cluster/resources';

const job: ArrayJob = {
  name: 'crucible-predict',
  dir: '/scratch/out.csv.shards/slurm',
  count: 4,
  task: ['/usr/bin/node', '/opt/crucible/bin/crucible.js', 'predict', 'm.crucible', "it's here.csv", '--shard', `${ARRAY_INDEX}/4`],
  report: ['/usr/bin/node', '/opt/crucible/bin/crucible.js', 'merge', '/scratch/out.csv'],
  resources: { partition: 'gpu', account: 'mat-lab', time: '2:00:00', cpus: 4, mem: '8G', gres: 'gpu:a100:1' },
  workdir: '/scratch',
  summary: 'task I predicts shard I/4',
};

describe('job array scripts', () => {
  it('writes one #SBATCH line per resource and the task command with the array index from Slurm', () => {
    const lines = arrayScript(job).split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines.filter((l) => l.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=crucible-predict',
      '#SBATCH --array=0-3',
      '#SBATCH --output=/scratch/out.csv.shards/slurm/logs/%x-%A_%a.out',
      '#SBATCH --chdir=/scratch',
      '#SBATCH --partition=gpu',
      '#SBATCH --account=mat-lab',
      '#SBATCH --time=2:00:00',
      '#SBATCH --mem=8G',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --gres=gpu:a100:1',
    ]);
    expect(lines.at(-2)).toBe(`exec /usr/bin/node /opt/crucible/bin/crucible.js predict m.crucible 'it'\\''s here.csv' --shard "$SLURM_ARRAY_TASK_ID"/4`);
  });

  it('gives the report step neither CPUs nor GPUs, and no array', () => {
    const text = reportScript(job);
    expect(text).toContain('#SBATCH --job-name=crucible-predict-report\n');
    expect(text).toContain('#SBATCH --output=/scratch/out.csv.shards/slurm/logs/%x-%j.out\n');
    expect(text).not.toMatch(/--array|--gres|--cpus-per-task/);
    expect(text.trim().split('\n').at(-1)).toBe('exec /usr/bin/node /opt/crucible/bin/crucible.js merge /scratch/out.csv');
    expect(resourceDirectives({})).toEqual([]);
  });

  it('quotes words for bash so nothing in them is expanded', () => {
    expect(shellQuote('plain/path-1.csv')).toBe('plain/path-1.csv');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$HOME; rm -rf /')).toBe("'$HOME; rm -rf /'");
  });

  it('accepts the forms sbatch takes and refuses values that would break a #SBATCH line', () => {
    for (const time of ['30', '30:00', '2:00:00', '1-12', '1-12:00:00']) expect(SlurmResourcesSchema.shape.time.safeParse(time).success, time).toBe(true);
    for (const [field, value] of [
      ['time', '2 hours'],
      ['time', '1:00\n#SBATCH --x'],
      ['mem', '8 GB'],
      ['gres', 'gpu 1'],
      ['partition', 'a b'],
    ] as const)
      expect(SlurmResourcesSchema.shape[field].safeParse(value).success, `${field}=${value}`).toBe(false);
  });

  it('writes task lists as sbatch array ranges', () => {
    expect(arrayRanges([0, 1, 2, 5, 7, 8])).toBe('0-2,5,7-8');
    expect(arrayRanges([3])).toBe('3');
    expect(arrayRanges([9, 1, 0, 1])).toBe('0-1,9');
  });
});
