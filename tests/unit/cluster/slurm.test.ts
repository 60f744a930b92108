/**
 * `crucible slurm` on a real single-node Slurm cluster (tests/helpers/slurm.ts): a predict array, a sweep array and
 * an ensemble array finish and report with exactly the single-machine results, and after one task is cancelled,
 * submitting again redoes that task alone.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src-main/engine/config/index';
import { loadRunData } from '../../../src-main/engine/data/load-run-data';
import { exportBundle } from '../../../src-main/engine/export/bundle/index';
import { predictBatch } from '../../../src-main/engine/infer/index';
import { trainEnsemble } from '../../../src-main/engine/studies/ensemble/train-ensemble';
import { runSweep, sweepTableCsv } from '../../../src-main/engine/studies/sweep';
import { cliEnv, runCli, type CliResult } from '../../helpers/cli';
import { dataSet, repoRoot, scratchDir } from '../../helpers/paths';
import { startLocalCluster, type LocalCluster } from '../../helpers/slurm';
import { GAP_RUN, trainRun } from '../engine/export/bundle/trained-runs';

const SWEEP = `
seed_everything: 3
experiment_name: gap-sweep
model:
  init_args:
    shared_block_dims: [auto, 16]
    task_configs:
      - { name: band_gap, type: REGRESSION, data_column: band_gap_eV, dims: [16, 8, 1] }
data:
  init_args:
    attributes_source: ${dataSet('matbench_expt_gap', 'expt_gap.csv')}
    formula_column: formula
    featurizer: magpie
    batch_size: 256
trainer:
  max_epochs: 2
`;

const ctx = { emit: () => {}, signal: new AbortController().signal };

describe('crucible slurm on a local Slurm cluster', () => {
  const scratch = scratchDir('crucible-slurm-test-');
  const input = dataSet('matbench_expt_gap', 'expt_gap.csv');
  let cluster: LocalCluster | undefined;
  let skipped = '';
  let bundle: string;
  let single: string;
  const slurmCli = (args: string[]): CliResult =>
    runCli(['slurm', ...args, '--submit', '--poll', '1', '--time', '10:00'], { env: cluster!.env, timeoutMs: 150_000 });
  const mtimes = (files: string[]) => files.map((f) => statSync(f).mtimeMs);

  beforeAll(async () => {
    const started = await startLocalCluster();
    if ('skip' in started) {
      skipped = `Slurm tests skipped: ${started.skip}`;
      console.warn(skipped);
      return;
    }
    cluster = started;
    bundle = (await exportBundle(await trainRun(GAP_RUN, join(scratch.dir, 'run')), join(scratch.dir, 'gap.crucible'))).file;
    single = join(scratch.dir, 'single.csv');
    await predictBatch({ model: bundle, input, output: single, threads: 1 }, ctx);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    scratch.cleanup();
  }, 60_000);

  it('runs a 4-task predict array and its merge into exactly the single-machine prediction', (t) => {
    if (!cluster) return t.skip(skipped);
    const out = join(scratch.dir, 'clean.csv');
    const r = slurmCli(['predict', bundle, input, '--out', out, '--shards', '4', '--partition', cluster.partition]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${out}\n`);
    expect(r.stderr).toMatch(/^4 of 4 tasks to do\.\nSubmitted job (\d+) \(tasks 0-3\) and report step \d+ after it\./);
    expect(r.stderr).toMatch(/crucible-predict \d+: 4 completed\n/);
    expect(r.stderr).toMatch(/crucible-predict-report \d+: 1 completed\nDone\.\n$/);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(single, 'utf8'));
  }, 150_000);

  it('names a cancelled task, and submitting again redoes only it, leaving the finished shards untouched', async (t) => {
    if (!cluster) return t.skip(skipped);
    const out = join(scratch.dir, 'killed.csv');
    const args = ['slurm', 'predict', bundle, input, '--out', out, '--shards', '4', '--submit', '--poll', '1'];
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'crucible.js'), ...args], { cwd: repoRoot, env: { ...cliEnv, ...cluster.env } });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Two CPUs: tasks 0 and 1 run, 2 and 3 wait. Task 3 is cancelled while it waits.
    let jobId = '';
    for (let i = 0; i < 300 && !jobId; i++) {
      jobId = /^(\d+)\|crucible-predict$/m.exec(cluster.slurm('squeue', ['--noheader', '--format=%F|%j']))?.[1] ?? '';
      if (!jobId) await new Promise((r) => setTimeout(r, 100));
    }
    expect(jobId, stderr).not.toBe('');
    cluster.slurm('scancel', [`${jobId}_3`]);
    expect(await exited, stderr).toBe(1);
    // The cancelled task leaves squeue at once, whether or not the command saw it waiting first.
    expect(stderr).toMatch(
      new RegExp(`crucible: 1 of the 4 tasks of job ${jobId} did not finish their work: 3 \\((left the queue while pending|not seen in the queue)\\)\\.`),
    );
    expect(stderr).toMatch(/run the same command again: finished tasks are kept and only these are submitted\.\n$/);

    const dir = `${out}.shards`;
    const kept = [0, 1, 2].flatMap((i) => [join(dir, `shard-${i}-of-4.parquet`), join(dir, `shard-${i}-of-4.json`)]);
    const before = mtimes(kept);
    const again = runCli(args, { env: cluster.env, timeoutMs: 150_000 });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^1 of 4 tasks to do \(3 done before\)\.\nSubmitted job \d+ \(tasks 3\) and report step \d+ after it\./);
    expect(mtimes(kept)).toEqual(before);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(single, 'utf8'));
  }, 200_000);

  it('runs a sweep array whose tables are those of the same sweep on one machine; submitting again only redoes the tables', async (t) => {
    if (!cluster) return t.skip(skipped);
    const configPath = join(scratch.dir, 'sweep.yaml');
    writeFileSync(configPath, SWEEP);
    const outDir = join(scratch.dir, 'sweep');
    const args = ['sweep', configPath, '--task', 'band_gap', '--fractions', '1,0.5', '--seeds', '1', '--out', outDir, '--cpus', '1', '--mem', '2G'];
    const r = slurmCli(args);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${outDir}\n`);
    expect(r.stderr).toMatch(/crucible-sweep \d+: 2 completed\n/);
    const script = readFileSync(join(outDir, 'slurm', 'crucible-sweep.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --array=0-1\n');
    expect(script).toContain('#SBATCH --mem=2G\n#SBATCH --cpus-per-task=1\n');
    expect(script).toMatch(/ sweep \S+sweep\.yaml --task band_gap --fractions 1,0\.5 --seeds 1 --out \S+ --run-index "\$SLURM_ARRAY_TASK_ID"\n$/);

    const config = await loadConfig(configPath);
    const local = await runSweep(config, await loadRunData(config), {
      task: 'band_gap',
      fractions: [1, 0.5],
      seeds: 1,
      outDir: join(scratch.dir, 'sweep-local'),
    });
    expect(readFileSync(join(outDir, 'sweep.csv'), 'utf8')).toBe(sweepTableCsv(local));
    expect(readFileSync(join(outDir, 'learning_curve.csv'), 'utf8').split('\n')[1]).toMatch(/^1,3683,/);

    const metrics = ['f1-seed3', 'f0.5-seed3'].map((run) => join(outDir, run, 'metrics.json'));
    const before = mtimes(metrics);
    const again = slurmCli(args);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^Every one of the 2 tasks is done; submitting the report step alone\.\nSubmitted report step \d+\./);
    expect(mtimes(metrics)).toEqual(before);
  }, 200_000);

  it('trains a 2-member ensemble as an array from 1 and combines it into the metrics and predictions of one in-process ensemble', async (t) => {
    if (!cluster) return t.skip(skipped);
    const configPath = join(scratch.dir, 'ensemble.yaml');
    writeFileSync(configPath, `${GAP_RUN}\nensemble: { size: 2 }\n`);
    const outDir = join(scratch.dir, 'ensemble');
    const r = slurmCli(['ensemble', configPath, '--out', outDir, '--max-epochs', '2', '--partition', cluster.partition]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${outDir}\n`);
    expect(r.stderr).toMatch(/^2 of 2 tasks to do\.\nSubmitted job \d+ \(tasks 1-2\) and report step \d+ after it\./);
    expect(r.stderr).toMatch(/crucible-ensemble \d+: 2 completed\n/);
    const script = readFileSync(join(outDir, 'slurm', 'crucible-ensemble.sbatch'), 'utf8');
    expect(script).toContain('#SBATCH --array=1-2\n');
    expect(script).toMatch(/ train \S+ensemble\.yaml --max-epochs 2 --out \S+ --member "\$SLURM_ARRAY_TASK_ID"\n$/);
    expect(readFileSync(join(outDir, 'slurm', 'crucible-ensemble-report.sbatch'), 'utf8')).toMatch(/ --max-epochs 2 --out \S+ --collect\n$/);

    const config = await loadConfig(configPath, { overrides: { maxEpochs: 2 } });
    const local = join(scratch.dir, 'ensemble-local');
    await trainEnsemble({ config, data: await loadRunData(config), runDir: local }, ctx);
    for (const file of ['metrics.json', 'ensemble.json', 'predictions/test.csv'])
      expect(readFileSync(join(outDir, file), 'utf8'), file).toBe(readFileSync(join(local, file), 'utf8'));
  }, 150_000);
});
