/**
 * An ensemble split into the steps of a job array: each member trained alone (in any order), then the combination
 * on its own, gives the ensemble folder one in-process run writes; a finished member is kept, a missing one named.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../../src-main/engine/config/index';
import type { ResolvedRunConfig } from '../../../../../src-main/engine/config/types';
import { loadRunData } from '../../../../../src-main/engine/data/load-run-data';
import { initBackend } from '../../../../../src-main/engine/model/backend';
import { collectEnsemble, trainEnsemble, trainEnsembleMember, unfinishedMembers } from '../../../../../src-main/engine/studies/ensemble/train-ensemble';
import type { LoadedData } from '../../../../../src-main/engine/train/run-training';
import { scratchDir } from '../../../../helpers/paths';
import { GAP_RUN } from '../../export/bundle/trained-runs';

const ctx = { emit: () => {}, signal: new AbortController().signal };
const ENSEMBLE_FILES = ['metrics.json', 'ensemble.json', 'predictions/test.csv'];

describe('ensemble steps', () => {
  const scratch = scratchDir('crucible-ensemble-steps-');
  const whole = join(scratch.dir, 'whole');
  const steps = join(scratch.dir, 'steps');
  let cfg: ResolvedRunConfig;
  let data: LoadedData;

  beforeAll(async () => {
    await initBackend('wasm');
    cfg = parseConfigText(`${GAP_RUN}\nensemble: { size: 2 }\n`, { baseDir: scratch.dir });
    data = await loadRunData(cfg);
    await trainEnsemble({ config: cfg, data, runDir: whole }, ctx);
  }, 120_000);
  afterAll(() => scratch.cleanup());

  it('trains members one at a time in any order, refusing to combine before all are done', async () => {
    const input = { config: cfg, data, runDir: steps };
    expect(await unfinishedMembers(steps, 2)).toEqual([1, 2]);
    const second = await trainEnsembleMember(input, 2, ctx);
    expect(second.runDir).toBe(join(steps, 'members', 'member-2'));
    expect(second.summary?.cancelled).toBe(false);
    expect(await unfinishedMembers(steps, 2)).toEqual([1]);
    await expect(collectEnsemble(input, ctx)).rejects.toThrow("1 of the ensemble's 2 members have not finished: 1.");
    await trainEnsembleMember(input, 1, ctx);
    expect(await unfinishedMembers(steps, 2)).toEqual([]);

    const checkpoint = join(steps, 'members', 'member-2', 'checkpoints', 'best.ckpt');
    const before = statSync(checkpoint).mtimeMs;
    expect((await trainEnsembleMember(input, 2, ctx)).summary).toBeNull();
    expect(statSync(checkpoint).mtimeMs).toBe(before);
  }, 120_000);

  it('combines the members into the metrics, calibration and test predictions of the in-process ensemble', async () => {
    const summary = await collectEnsemble({ config: cfg, data, runDir: steps }, ctx);
    expect(summary.runDir).toBe(steps);
    for (const file of ENSEMBLE_FILES) expect(readFileSync(join(steps, file), 'utf8'), file).toBe(readFileSync(join(whole, file), 'utf8'));
  });

  it('names what is wrong with a member number or a config without an ensemble', async () => {
    const input = { config: cfg, data, runDir: steps };
    await expect(trainEnsembleMember(input, 3, ctx)).rejects.toThrow('The ensemble has 2 members (1 to 2); there is no member 3.');
    await expect(collectEnsemble({ ...input, config: { ...cfg, ensemble: null } }, ctx)).rejects.toThrow('The config trains one model, not an ensemble');
  });
});
