/** The task-relationship reports reach the UI through the contract, validated, and only from allowed folders. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarizeCompare, seedStats } from '../../../src-main/engine/studies/compare';
import { createRouter } from '../../../src-main/api/handlers/index';
import { Session } from '../../../src-main/api/session';
import { scratchDir } from '../../helpers/paths';

describe('analysis handlers', () => {
  const scratch = scratchDir();
  const outside = scratchDir();
  afterAll(() => {
    scratch.cleanup();
    outside.cleanup();
  });

  it('serve a compare study and a grouping from an allowed folder, and refuse others', async () => {
    const study = join(scratch.dir, 'compare-gap');
    mkdirSync(study);
    const summary = (name: string, seed: number, mae: number) => ({
      name,
      seed,
      runDir: join(study, `${name}-${seed}`),
      summary: { metrics: { tasks: { band_gap: { type: 'regression', val: {}, test: { mae } } } } },
    });
    const runs = [summary('stl-band_gap', 42, 0.41), summary('stl-band_gap', 43, 0.42), summary('mtl-static', 42, 0.45), summary('mtl-static', 43, 0.46)];
    const tasks = summarizeCompare([{ name: 'band_gap', kind: 'regression' }], ['static'], runs as never);
    writeFileSync(join(study, 'compare.json'), JSON.stringify({ strategies: ['static'], seeds: [42, 43], tasks, runs: [] }));
    const grouping = join(scratch.dir, 'group');
    mkdirSync(grouping);
    writeFileSync(
      join(grouping, 'grouping.json'),
      JSON.stringify({
        tasks: ['a', 'b'],
        k: 2,
        m: 1.07,
        method: 'kmeans',
        memberships: [
          [1, 0],
          [0, 1],
        ],
        groups: [['a'], ['b']],
      }),
    );

    const router = createRouter(new Session('web', { allowedRoots: [scratch.dir] }));
    const out = await router.dispatch('analysis:compare', { dir: study });
    expect(out).toMatchObject({ ok: true, result: { strategies: ['static'], tasks: [{ task: 'band_gap', metric: 'mae', stl: seedStats([0.41, 0.42]) }] } });
    const t = (out as { result: { tasks: Array<{ strategies: Record<string, { negativeTransfer: boolean }> }> } }).result.tasks[0];
    expect(t.strategies.static.negativeTransfer).toBe(true);
    expect(await router.dispatch('analysis:grouping', { dir: grouping })).toMatchObject({ ok: true, result: { groups: [['a'], ['b']] } });
    expect(await router.dispatch('analysis:compare', { dir: outside.dir })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });
});
