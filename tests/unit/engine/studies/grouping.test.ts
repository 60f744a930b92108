/** STG-MTL's sanity check on synthetic tasks: two clusters of related tasks and one random-label task are recovered. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataMap } from '../../../../src-main/engine/analysis/data-map';
import { groupPlans, groupTasks, runGroupStudy } from '../../../../src-main/engine/studies/grouping';
import { parseConfigText } from '../../../../src-main/engine/config/index';
import type { ResolvedRunConfig } from '../../../../src-main/engine/config/types';
import { loadRunData } from '../../../../src-main/engine/data/load-run-data';
import type { LoadedData } from '../../../../src-main/engine/train/run-training';
import { Rng } from '../../../../src-main/engine/util/random';
import { scratchDir } from '../../../helpers/paths';

const TASKS = ['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'noise'];

/**
 * 8 normal descriptors; tasks a* threshold one direction of them at −0.1, 0 and 0.1, tasks b* another
 * direction, and `noise` is a fair coin: related tasks share which samples are easy and which are hard.
 */
function writeSyntheticData(dir: string, n = 700): void {
  const rng = new Rng(11);
  const d = 8;
  const wa = Array.from({ length: d }, (_, i) => (i < 4 ? 0.5 : 0));
  const wb = Array.from({ length: d }, (_, i) => (i >= 4 ? 0.5 : 0));
  const descriptors = [['id', ...Array.from({ length: d }, (_, i) => `x${i}`)].join(',')];
  const attributes = [['id', ...TASKS].join(',')];
  for (let r = 0; r < n; r++) {
    const x = Array.from({ length: d }, () => rng.normal());
    const a = x.reduce((s, v, i) => s + v * wa[i], 0);
    const b = x.reduce((s, v, i) => s + v * wb[i], 0);
    const labels = [...[-0.1, 0, 0.1].map((c) => Number(a > c)), ...[-0.1, 0, 0.1].map((c) => Number(b > c)), rng.int(2)];
    descriptors.push([`s${r}`, ...x.map((v) => v.toFixed(5))].join(','));
    attributes.push([`s${r}`, ...labels].join(','));
  }
  writeFileSync(join(dir, 'descriptors.csv'), `${descriptors.join('\n')}\n`);
  writeFileSync(join(dir, 'attributes.csv'), `${attributes.join('\n')}\n`);
}

describe('task grouping from data maps', () => {
  const scratch = scratchDir();
  let config: ResolvedRunConfig;
  let data: LoadedData;

  beforeAll(async () => {
    writeSyntheticData(scratch.dir);
    const tasks = TASKS.map((t) => `      - { name: ${t}, type: CLASSIFICATION, data_column: ${t}, dims: [32, 16], num_classes: 2 }`).join('\n');
    config = parseConfigText(
      `seed_everything: 3
model:
  init_args:
    shared_block_dims: [auto, 64, 32]
    task_configs:
${tasks}
    shared_block_optimizer: { lr: 0.003, scheduler_type: None }
data:
  init_args:
    formula_desc_source: descriptors.csv
    attributes_source: attributes.csv
    batch_size: 64
weighting: { strategy: static }
trainer:
  max_epochs: 12
`,
      { baseDir: scratch.dir },
    );
    data = await loadRunData(config);
  });
  afterAll(() => scratch.cleanup());

  it('recovers the two clusters of related tasks and leaves the random-label task alone, then trains one model per group', async () => {
    const out = join(scratch.dir, 'study');
    const study = await runGroupStudy(config, data, { k: 3, outDir: out, train: true });
    expect(study.grouping.groups).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2', 'b3'], ['noise']]);
    // m = 1.07 makes the memberships nearly hard.
    for (const row of study.grouping.memberships) expect(Math.max(...row)).toBeGreaterThan(0.95);
    expect(readFileSync(join(out, 'memberships.csv'), 'utf8').split('\n')[0]).toBe('task,group_1,group_2,group_3');

    // Each group model trains its members, weighted by membership; every task is scored in its own group's model.
    expect(study.groupRuns.map((r) => Object.keys(r.weights).filter((t) => r.weights[t] > 0.5))).toEqual(study.grouping.groups);
    expect(study.tasks.find((t) => t.task === 'noise')).toMatchObject({ metric: 'accuracy', group: 2 });
    for (const t of study.tasks.filter((t) => t.task !== 'noise')) expect(t.grouped).toBeGreaterThan(0.8);
    expect(existsSync(join(out, 'group_metrics.csv'))).toBe(true);

    // The same data maps with fuzzier memberships (m = 2, fuzzy c-means) keep the groups but share membership.
    const map = await readDataMap(study.mapRunDir);

    expect(map.epochs).toHaveLength(12);
    expect(map.tasks).toEqual(TASKS);
    const soft = groupTasks(map, { k: 3, m: 2, method: 'fcm', seed: 3 });
    expect(soft.groups).toEqual(study.grouping.groups);
    expect(Math.min(...soft.memberships.map((row) => Math.max(...row)))).toBeLessThan(0.95);
    for (const row of soft.memberships) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it('plans a group model per group with each member task’s loss weight times its membership', () => {
    const grouping = {
      tasks: TASKS,
      k: 2,
      m: 1.07,
      method: 'kmeans' as const,
      memberships: TASKS.map((_, i) => (i < 3 ? [0.9, 0.1] : i < 6 ? [0.005, 0.995] : [0.5, 0.5])),
      groups: [TASKS.slice(0, 3), TASKS.slice(3)],
    };
    const plans = groupPlans(config, data, grouping, 0.01);
    expect([...plans[0].weights]).toEqual([
      ['a1', 0.9],
      ['a2', 0.9],
      ['a3', 0.9],
      ['noise', 0.5],
    ]);
    expect(plans[0].config.tasks.map((t) => [t.name, t.weight])).toEqual([...plans[0].weights]);
    expect(plans[0].config.weighting).toEqual({ strategy: 'static', options: {} });
    expect(plans[0].data.set.tasks.map((t) => t.name)).toEqual(['a1', 'a2', 'a3', 'noise']);
    expect(plans[0].data.set.split).toBe(data.set.split);
    expect([...plans[1].weights.keys()]).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3', 'noise']);
  });
});
