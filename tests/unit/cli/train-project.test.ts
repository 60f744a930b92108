/** `crucible train --project DIR` without a config: the tasks saved on the Tasks page, with the project's saved settings. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../../src-main/engine/project/index';
import { DEFAULT_TRAIN_SETTINGS } from '../../../src-main/engine/project/train-settings';
import type { TaskSpec } from '../../../src-main/engine/project/tasks';
import { readProjectTables, saveProjectTasks, saveTrainSettings } from '../../../src-main/engine/project-run/index';
import { runCli } from '../../helpers/cli';
import { dataSet, scratchDir } from '../../helpers/paths';

const GLASS_TASK: TaskSpec = {
  name: 'glass_forming',
  table: 'glass',
  type: 'classification',
  subtype: 'classification',
  data_column: 'gfa',
  steps_column: null,
  loss_weight: 1,
  task_masking_ratio: 1,
  enabled: true,
  head_options: {},
};

async function saveTasks(dir: string, tasks: TaskSpec[]): Promise<void> {
  const project = await openProject(dir);
  await saveProjectTasks(project, tasks, await readProjectTables(project));
}

describe('crucible train --project', () => {
  const scratch = scratchDir('crucible-cli-train-');
  const dir = join(scratch.dir, 'Glass.crucible');
  beforeAll(async () => {
    expect(runCli(['init', dir]).status).toBe(0);
    const imported = runCli(['import', dir, dataSet('matbench_glass', 'glass.csv')]);
    expect(imported.status, imported.stderr).toBe(0);
    const project = await openProject(dir);
    await saveTrainSettings(project, { ...DEFAULT_TRAIN_SETTINGS, name: 'glass cli', maxEpochs: 2, batchSize: 256, sharedDims: [32] });
  });
  afterAll(() => scratch.cleanup());

  it('refuses in one line when there is neither a config nor a project, or no task is enabled', async () => {
    const nothing = runCli(['train']);
    expect(nothing.status).toBe(1);
    expect(nothing.stderr).toMatch(/^crucible: Nothing to train: give a run configuration or a project\. [^\n]+\n$/);
    await saveTasks(dir, [{ ...GLASS_TASK, enabled: false }]);
    const none = runCli(['train', '--project', dir]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/^crucible: No task is enabled\. Map columns to tasks on the Tasks page/);
  });

  it("trains the project's enabled tasks into a run folder of its own, with the saved settings and a one-off override", async () => {
    await saveTasks(dir, [GLASS_TASK]);
    const r = runCli(['train', '--project', dir, '--max-epochs', '1'], { timeoutMs: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Training glass_forming from table "glass"\./);
    const runs = readdirSync(join(dir, 'runs'));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^glass_cli-\d{8}T\d{6}Z$/);
    const runDir = join(dir, 'runs', runs[0]);
    expect(r.stdout).toBe(`${runDir}\n`);
    const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as { tasks: Record<string, { type: string }> };
    expect(Object.keys(metrics.tasks)).toEqual(['glass_forming']);
    expect(metrics.tasks.glass_forming.type).toBe('classification');
    expect(readFileSync(join(runDir, 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readFileSync(join(runDir, 'config.yaml'), 'utf8')).toMatch(/max_epochs: 1\n/);
    expect(existsSync(join(runDir, 'checkpoints', 'best.ckpt'))).toBe(true);
    // The override was for this run: the project keeps the settings the Train page saved.
    expect((await openProject(dir)).description.defaults.training?.maxEpochs).toBe(2);

    // With a config the command trains that config, as before: here the run's own config.yaml, rerun.
    const out = join(scratch.dir, 'rerun');
    const rerun = runCli(['train', join(runDir, 'config.yaml'), '--project', dir, '--out', out], { timeoutMs: 60_000 });
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stdout).toBe(`${out}\n`);
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'))).toMatchObject({ tasks: { glass_forming: { type: 'classification' } } });
  });
});
