/**
 * The featurizer inside the ONNX graph against the TypeScript featurizer, on every formula of the data sets
 * in data/, for every registered featurizer: the same descriptors from the same element fractions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompositionEncoder } from '../../../../../src-main/engine/data/featurize/composition-vector';
import { FEATURIZER_IDS, getFeaturizer } from '../../../../../src-main/engine/data/featurize/index';
import { compositionTable, featurizeInGraph } from '../../../../../src-main/engine/export/onnx/composition-graph';
import { GraphBuilder } from '../../../../../src-main/engine/export/onnx/graph-builder';
import { createOnnxOps } from '../../../../../src-main/engine/export/onnx/onnx-ops';
import { ParamStore } from '../../../../../src-main/engine/model/params';
import { Rng } from '../../../../../src-main/engine/util/random';
import { scratchDir } from '../../../../helpers/paths';
import { dataFormulas } from '../../data/formula/data-formulas';
import { expectValidOnnx, runOnnx } from '../onnx-harness';

const BATCH = 4096;

/** A graph of the featurizer alone: `composition` [rows, E] → `descriptors` [rows, D]. */
function featurizerGraph(id: string): Uint8Array {
  const table = compositionTable(getFeaturizer(id));
  const graph = new GraphBuilder();
  const ops = createOnnxOps(graph, new ParamStore(new Rng(0)));
  graph.reserve('descriptors');
  const amounts = { name: graph.input('composition', ['rows', table.elements.length]), shape: ['rows', table.elements.length] };
  const out = featurizeInGraph(graph, ops, amounts, table);
  graph.output('descriptors', out.name, out.shape);
  return graph.serialize({ producerVersion: 'test', metadata: {} });
}

describe('the featurizer inside the ONNX graph', () => {
  const scratch = scratchDir('crucible-composition-graph-');
  let formulas: string[];
  beforeAll(async () => {
    formulas = (await dataFormulas()).filter((f) => f !== '');
  });
  afterAll(() => scratch.cleanup());

  it('passes the ONNX checker', () => {
    expectValidOnnx(scratch.dir, Object.fromEntries(FEATURIZER_IDS.map((id) => [id, featurizerGraph(id)])));
  });

  it('lists the table elements in atomic-number order', () => {
    expect(compositionTable(getFeaturizer('magpie')).elements.slice(0, 5)).toEqual(['H', 'He', 'Li', 'Be', 'B']);
    expect(compositionTable(getFeaturizer('oliynyk')).elements).toHaveLength(85);
  });

  for (const id of FEATURIZER_IDS) {
    it(`computes the ${id} descriptors of every formula in data/ as the TypeScript featurizer does`, async () => {
      const featurizer = getFeaturizer(id);
      const table = compositionTable(featurizer);
      const encoder = new CompositionEncoder(table.elements, `the ${id} table`);
      const model = featurizerGraph(id);
      const d = featurizer.featureNames.length;
      const e = table.elements.length;
      // Errors are measured against each feature's spread over the formulas, the scale the model's standardisation sees.
      const ts = new Float32Array(formulas.length * d);
      const tsFailures = featurizer.featurizeInto(formulas, ts).map((f) => f.index);
      const amounts = new Float32Array(formulas.length * e);
      const encodeFailures = encoder.encodeInto(formulas, amounts).map((f) => f.index);
      expect(encodeFailures).toEqual(tsFailures);
      const failed = new Set(tsFailures);
      const rows = formulas.map((_, i) => i).filter((i) => !failed.has(i));
      expect(rows.length).toBeGreaterThan(formulas.length * 0.9);

      const spread = new Float64Array(d);
      const mean = new Float64Array(d);
      for (const r of rows) for (let j = 0; j < d; j++) mean[j] += ts[r * d + j] / rows.length;
      for (const r of rows) for (let j = 0; j < d; j++) spread[j] += (ts[r * d + j] - mean[j]) ** 2 / rows.length;
      let worst = { error: 0, row: -1, feature: -1, onnx: 0, ts: 0 };
      for (let start = 0; start < rows.length; start += BATCH) {
        const batch = rows.slice(start, start + BATCH);
        const input = new Float32Array(batch.length * e);
        batch.forEach((r, i) => input.set(amounts.subarray(r * e, (r + 1) * e), i * e));
        const out = (await runOnnx(model, { composition: { data: input, dims: [batch.length, e] } })).descriptors.data;
        batch.forEach((r, i) => {
          for (let j = 0; j < d; j++) {
            const want = ts[r * d + j];
            const got = out[i * d + j];
            const error = Math.abs(got - want) / Math.max(Math.abs(want), Math.sqrt(spread[j]), 1e-12);
            if (!(error <= worst.error)) worst = { error, row: r, feature: j, onnx: got, ts: want };
          }
        });
      }
      console.log(`${id}: ${rows.length} formulas × ${d} descriptors, largest error ${worst.error.toExponential(2)} (relative to max(|value|, spread))`);
      expect(
        worst.error,
        `"${formulas[worst.row]}" ${featurizer.featureNames[worst.feature]}: ${worst.onnx} in ONNX, ${worst.ts} in TypeScript`,
      ).toBeLessThanOrEqual(1e-5);
    }, 300_000);
  }

  it('gives an empty batch an empty result', async () => {
    const e = compositionTable(getFeaturizer('magpie')).elements.length;
    const out = await runOnnx(featurizerGraph('magpie'), { composition: { data: new Float32Array(0), dims: [0, e] } });
    expect(out.descriptors.dims).toEqual([0, getFeaturizer('magpie').featureNames.length]);
  });

  it('refuses formulas with an element outside the table, naming it', () => {
    const encoder = new CompositionEncoder(compositionTable(getFeaturizer('oliynyk')).elements, "the model's element table");
    const [failure] = encoder.encodeInto(['Fe2O3', 'PuO2'], new Float32Array(2 * 85)).slice(-1);
    expect(failure).toMatchObject({ index: 1, reason: expect.stringContaining("element Pu is not in the model's element table (85 elements)") });
  });
});
