import { describe, expect, it } from 'vitest';
import { assembleTrainingSet } from '../../../../../src-main/engine/data/dataset/assemble';
import { batchCount, iterateBatches, splitRows, type Batch } from '../../../../../src-main/engine/data/dataset/batches';
import { taskKeepMasks } from '../../../../../src-main/engine/data/dataset/masking';
import { applyScaling, fitScaling } from '../../../../../src-main/engine/data/dataset/scaling';
import { exptGapInput, phononInput, synthetic } from './fixtures';

const rowsOf = (batches: Batch[]) => batches.flatMap((b) => Array.from(b.rows));

describe('iterateBatches on synthetic data', () => {
  const set = assembleTrainingSet(synthetic(50));
  const train = splitRows(set, 'train');

  it('gathers exactly the rows it names, for every array', () => {
    for (const batch of iterateBatches(set, { split: 'train', batchSize: 7, seed: 1 }, 0)) {
      batch.rows.forEach((r, i) => {
        expect(batch.features[i]).toBe(set.features[r]);
        set.tasks.forEach((task, t) => {
          const w = task.width;
          const bt = batch.tasks[t];
          expect(Array.from(bt.targets.subarray(i * w, i * w + w))).toEqual(Array.from(task.targets.subarray(r * w, r * w + w)));
          expect(Array.from(bt.mask.subarray(i * w, i * w + w))).toEqual(Array.from(task.mask.subarray(r * w, r * w + w)));
          if (task.steps) expect(Array.from(bt.steps!.subarray(i * w, i * w + w))).toEqual(Array.from(task.steps.subarray(r * w, r * w + w)));
          else expect(bt.steps).toBeUndefined();
        });
      });
      expect(batch.tasks[3].targets).toBeInstanceOf(Float32Array);
      expect(batch.tasks[3].mask).toBeInstanceOf(Float32Array);
      expect(batch.structure).toBeUndefined();
    }
  });

  it('covers each split row once per epoch, reshuffled per epoch, repeatable per seed', () => {
    const epoch = (e: number, seed = 1) => [...iterateBatches(set, { split: 'train', batchSize: 8, seed }, e)];
    const e0 = epoch(0);
    expect(e0.length).toBe(batchCount(set, { split: 'train', batchSize: 8 }));
    expect(e0.slice(0, -1).every((b) => b.size === 8)).toBe(true);
    expect(rowsOf(e0).sort((a, b) => a - b)).toEqual(Array.from(train));
    expect(rowsOf(epoch(1))).not.toEqual(rowsOf(e0));
    expect(rowsOf(epoch(0))).toEqual(rowsOf(e0));
    expect(rowsOf(epoch(0, 2))).not.toEqual(rowsOf(e0));
  });

  it('keeps val and test in order by default and drops the short tail on request', () => {
    const val = [...iterateBatches(set, { split: 'val', batchSize: 2, seed: 1 }, 5)];
    expect(rowsOf(val)).toEqual(Array.from(splitRows(set, 'val')));
    const dropped = [...iterateBatches(set, { split: 'train', batchSize: 8, seed: 1, dropLast: true }, 0)];
    expect(dropped.length).toBe(Math.floor(train.length / 8));
    expect(dropped.every((b) => b.size === 8)).toBe(true);
    expect(batchCount(set, { split: 'train', batchSize: 8, dropLast: true })).toBe(dropped.length);
    expect(() => batchCount(set, { split: 'train', batchSize: 0 })).toThrow(/batch size is 0/);
    expect(() => iterateBatches(set, { split: 'train', batchSize: 2.5, seed: 1 }, 0).next()).toThrow(/whole number/);
  });
});

describe('iterateBatches with task masking', () => {
  const set = assembleTrainingSet(exptGapInput(2));
  const masking = { ratios: { band_gap: 0.25 }, seed: 9, redrawEachEpoch: true };

  it('zeroes the masks of hidden training rows only, as drawn for that epoch', () => {
    for (const epoch of [0, 1]) {
      const keep = taskKeepMasks(set, masking, epoch)[0]!;
      let active = 0;
      for (const batch of iterateBatches(set, { split: 'train', batchSize: 256, seed: 1, masking }, epoch)) {
        batch.rows.forEach((r, i) => {
          expect(batch.tasks[0].mask[i]).toBe(set.tasks[0].mask[r] && keep[r] ? 1 : 0);
          expect(batch.tasks[1].mask[i]).toBe(set.tasks[1].mask[r]);
          active += batch.tasks[0].mask[i];
        });
      }
      const trainValid = [...set.tasks[0].valid].filter((v, r) => v && set.split[r] === 0).length;
      expect(active).toBe(Math.round(trainValid * 0.25));
    }
    // Validation batches ignore masking.
    for (const batch of iterateBatches(set, { split: 'val', batchSize: 256, seed: 1, masking }, 0)) {
      batch.rows.forEach((r, i) => expect(batch.tasks[0].mask[i]).toBe(set.tasks[0].mask[r]));
    }
  });
});

describe('the whole pipeline on real data', () => {
  it('expt_gap: assemble → split → scale → batch keeps formulas apart and covers train once per epoch', () => {
    const input = exptGapInput(21);
    const set = applyScaling(assembleTrainingSet(input), fitScaling(assembleTrainingSet(input)));
    const trainFormulas = new Set(set.formulas.filter((_, r) => set.split[r] === 0));
    for (let r = 0; r < set.n; r++) if (set.split[r] === 2) expect(trainFormulas.has(set.formulas[r])).toBe(false);

    const train = splitRows(set, 'train');
    for (const epoch of [0, 1]) {
      const seen = new Uint8Array(set.n);
      for (const batch of iterateBatches(set, { split: 'train', batchSize: 128, seed: 21 }, epoch)) {
        for (const r of batch.rows) seen[r]++;
        // Scaled inputs are finite everywhere (no NaN reaches a tensor).
        expect(batch.features.every(Number.isFinite)).toBe(true);
        batch.rows.forEach((r, i) => expect(batch.tasks[0].mask[i]).toBe(Number.isNaN(input.rawGap[r]) ? 0 : 1));
      }
      expect([...train].every((r) => seen[r] === 1)).toBe(true);
      expect(seen.reduce((a, b) => a + b, 0)).toBe(train.length);
    }
  });

  it('mp_phonon_dos: no polymorph straddles splits; batches carry structure, curves, masks and grids of shape b × 51', () => {
    const raw = assembleTrainingSet(phononInput(4));
    const set = applyScaling(raw, fitScaling(raw));
    const heldOut = new Set(set.formulas.filter((_, r) => set.split[r] !== 0));
    const trainRows = [...splitRows(set, 'train')];
    expect(trainRows.some((r) => heldOut.has(set.formulas[r]))).toBe(false);
    const batches = [...iterateBatches(set, { split: 'train', batchSize: 64, seed: 4 }, 0)];
    const first = batches[0];
    expect(first.structure!.length).toBe(64 * 2);
    expect(Array.from(first.hasStructure!)).toEqual(new Array(64).fill(1));
    expect(first.tasks[0].targets.length).toBe(64 * 51);
    expect(first.tasks[0].steps!.subarray(0, 51)).toEqual(raw.tasks[0].steps!.subarray(0, 51));
    expect(rowsOf(batches).length).toBe(splitRows(set, 'train').length);
    const again = [...iterateBatches(set, { split: 'train', batchSize: 64, seed: 4 }, 0)];
    expect(rowsOf(again)).toEqual(rowsOf(batches));
  });
});
