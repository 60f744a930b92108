import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import { CrucibleError } from '../../../../src-main/engine/errors';
import { exportModelToOnnx, METADATA_KEYS } from '../../../../src-main/engine/export/onnx/export-model';
import { onnxIo } from '../../../../src-main/engine/export/onnx/io-names';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { headTypes } from '../../../../src-main/engine/model/heads/index';
import { MultiTaskModel, type ModelSpec } from '../../../../src-main/engine/model/model';
import { scratchDir } from '../../../helpers/paths';
import { encoderFor, loadFixture, predictRows, specFor, tfReference, trainBriefly, type Fixture } from './model-fixtures';
import { expectParity, expectValidOnnx, runOnnx, type Feed } from './onnx-harness';

const { onnx } = onnxProto;

const GAP = 'band gap (eV)';
const SEQUENCE_HEADS = Object.values(headTypes)
  .filter((h) => h.kind === 'sequence')
  .map((h) => h.id);

type FixtureName = 'gap' | 'phonon' | 'estm';

/** The models under test: which fixture, which spec. */
const MODELS: Record<string, { fixture: FixtureName; spec: (fx: Fixture) => ModelSpec }> = {
  'regression and classification': { fixture: 'gap', spec: (fx) => specFor(fx, { [GAP]: 'regression', is_metal: 'classification' }) },
  'gelu encoder, silu heads': {
    fixture: 'gap',
    spec: (fx) => {
      const spec = specFor(fx, { [GAP]: 'regression', is_metal: 'classification' });
      spec.encoder = encoderFor(fx, { activation: 'gelu', hiddenDims: [24, 24, 24] });
      spec.tasks = spec.tasks.map((t) => ({ ...t, headOptions: { activation: 'silu', hidden_dims: [16, 8] } }));
      return spec;
    },
  },
  'LoRA-adapted encoder': { fixture: 'gap', spec: (fx) => specFor(fx, { [GAP]: 'regression', is_metal: 'classification' }, { lora: { rank: 4, alpha: 8 } }) },
  'LoRA encoder, a kept head on the base encoder': {
    fixture: 'gap',
    spec: (fx) => specFor(fx, { [GAP]: 'regression', is_metal: 'classification' }, { lora: { rank: 4, alpha: 8 }, baseEncoderTasks: ['is_metal'] }),
  },
  'structure fusion': { fixture: 'phonon', spec: (fx) => specFor(fx, { n_elements: 'regression' }) },
  ...Object.fromEntries(SEQUENCE_HEADS.map((id) => [`sequence head ${id}`, { fixture: 'estm' as const, spec: (fx: Fixture) => specFor(fx, { seebeck: id }) }])),
};

describe('ONNX export: onnxruntime reproduces the tfjs model from raw inputs to physical units', () => {
  const fixtures = {} as Record<FixtureName, Fixture>;
  const trained = new Map<string, MultiTaskModel>();
  const scratch = scratchDir('crucible-onnx-parity-');

  beforeAll(async () => {
    await initBackend('wasm');
    fixtures.gap = await loadFixture({
      file: 'matbench_expt_gap/expt_gap_multitask.csv',
      rows: 160,
      numbers: ['band_gap_eV', 'is_metal'],
      tasks: [
        { name: GAP, kind: 'regression', dataColumn: 'band_gap_eV' },
        { name: 'is_metal', kind: 'classification', dataColumn: 'is_metal' },
      ],
    });
    fixtures.phonon = await loadFixture({
      file: 'mp_phonon_dos/mp_phonon_dos.csv',
      rows: 120,
      numbers: ['n_elements'],
      structure: ['n_sites', 'volume_per_atom'],
      tasks: [{ name: 'n_elements', kind: 'regression', dataColumn: 'n_elements' }],
    });
    fixtures.estm = await loadFixture({
      file: 'estm_thermoelectric/estm_curves.csv',
      rows: 100,
      lists: ['temperature_K', 'seebeck_uV_K'],
      tasks: [{ name: 'seebeck', kind: 'sequence', dataColumn: 'seebeck_uV_K', stepsColumn: 'temperature_K' }],
    });
  });
  afterAll(() => {
    for (const model of trained.values()) model.dispose();
    scratch.cleanup();
  });

  /** The model `label`, built and trained a few steps on its fixture once. */
  function model(label: string): { model: MultiTaskModel; fx: Fixture } {
    const fx = fixtures[MODELS[label].fixture];
    let m = trained.get(label);
    if (!m) {
      m = new MultiTaskModel(MODELS[label].spec(fx), 5);
      trainBriefly(m, fx);
      trained.set(label, m);
    }
    return { model: m, fx };
  }

  function exportOf(label: string): Uint8Array {
    const { model: m, fx } = model(label);
    return exportModelToOnnx(m, { scaling: fx.scaling, featurizer: fx.featurizer, classes: { is_metal: ['0', '1'] } });
  }

  /** Exports `label`, runs both interpreters on real rows, asserts parity per task and returns the ONNX outputs by task. */
  async function expectParityOf(label: string): Promise<Record<string, Feed>> {
    const { model: m, fx } = model(label);
    const rows = predictRows(fx, 24);
    const expected = tfReference(m, fx, rows);
    const io = onnxIo(m.spec);
    const feeds: Record<string, Feed> = { [io.descriptors]: { data: rows.descriptors, dims: [rows.n, m.spec.encoder.inputDim] } };
    if (io.structure && rows.structure) {
      feeds[io.structure.values] = { data: rows.structure.values, dims: [rows.n, rows.structure.values.length / rows.n] };
      feeds[io.structure.has] = { data: rows.structure.has, dims: [rows.n, 1] };
    }
    for (const t of io.tasks) if (t.steps) feeds[t.steps] = rows.steps[t.task];
    const out = await runOnnx(exportOf(label), feeds);
    const byTask: Record<string, Feed> = {};
    for (const t of io.tasks) {
      expect(out[t.output].dims, t.task).toEqual(expected[t.task].dims);
      const std = fx.scaling.tasks.find((s) => s.name === t.task)!.targets?.std;
      expectParity(out[t.output].data, expected[t.task].data, `${label}, task ${t.task}`, std ? Math.max(...std) : 1);
      byTask[t.task] = out[t.output];
    }
    return byTask;
  }

  it('regression: raw descriptors in, eV out, a missing value and an undescribable row imputed', async () => {
    const out = await expectParityOf('regression and classification');
    const gap = out[GAP].data;
    expect(gap.every(Number.isFinite)).toBe(true);
    // Physical units: predictions sit around the training band gaps, not around 0 ± 1.
    const mean = gap.reduce((a, b) => a + b, 0) / gap.length;
    expect(Math.abs(mean - fixtures.gap.scaling.tasks[0].targets!.mean[0])).toBeLessThan(fixtures.gap.scaling.tasks[0].targets!.std[0]);
  });

  it('classification: class probabilities that sum to 1', async () => {
    const p = (await expectParityOf('regression and classification')).is_metal;
    for (let r = 0; r < p.dims[0]; r++) expect(p.data[2 * r] + p.data[2 * r + 1]).toBeCloseTo(1, 5);
  });

  it('gelu and silu activations', async () => {
    await expectParityOf('gelu encoder, silu heads');
  });

  it('structure fusion, with and without a structure on the row', async () => {
    const rows = predictRows(fixtures.phonon, 24);
    expect(new Set(rows.structure!.has)).toEqual(new Set([0, 1]));
    await expectParityOf('structure fusion');
  });

  it('LoRA adapters trained away from zero are merged into the kernels', async () => {
    const { model: m } = model('LoRA-adapted encoder');
    expect(
      m.store
        .names()
        .filter((n) => n.endsWith('lora_b'))
        .some((n) => m.store.values(n).some((v) => v !== 0)),
    ).toBe(true);
    await expectParityOf('LoRA-adapted encoder');
    const initializers = onnx.ModelProto.decode(exportOf('LoRA-adapted encoder')).graph!.initializer!.map((t) => t.name!);
    expect(initializers.filter((n) => /lora_[ab]$/.test(n))).toEqual([]);
    expect(initializers.filter((n) => n.endsWith('.lora_merged'))).toHaveLength(m.encoder.denseLayers.length);
  });

  it('a head kept through a LoRA fine-tune reads the encoder without the adapters, in the graph too', async () => {
    const { model: m } = model('LoRA encoder, a kept head on the base encoder');
    await expectParityOf('LoRA encoder, a kept head on the base encoder');
    const initializers = onnx.ModelProto.decode(exportOf('LoRA encoder, a kept head on the base encoder')).graph!.initializer!.map((t) => t.name!);
    // Both encoders are in the graph: merged kernels for the adapted path, the plain ones for the kept head.
    expect(initializers.filter((n) => n.endsWith('.lora_merged'))).toHaveLength(m.encoder.denseLayers.length);
    expect(initializers).toContain(`${m.encoder.denseLayers[0].kernelName}`);
  });

  it.each(SEQUENCE_HEADS)('sequence head %s: curves in physical units on each row’s own grid', async (id) => {
    await expectParityOf(`sequence head ${id}`);
  });

  it('names inputs and outputs after the tasks and records what a consumer needs in the metadata', () => {
    const decoded = onnx.ModelProto.decode(exportOf('regression and classification'));
    expect(Number(decoded.irVersion)).toBe(8);
    expect(decoded.opsetImport!.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const graph = decoded.graph!;
    expect(graph.input!.map((i) => i.name)).toEqual(['descriptors']);
    expect(graph.input![0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', fixtures.gap.set.featureNames.length]);
    expect(graph.output!.map((o) => o.name)).toEqual(['band_gap__eV_', 'is_metal']);
    const meta = Object.fromEntries(decoded.metadataProps!.map((p) => [p.key, p.value]));
    expect(meta[METADATA_KEYS.featurizer]).toBe('magpie');
    expect(meta[METADATA_KEYS.elementTable]).toBe(fixtures.gap.featurizer.tableSha256);
    expect(meta[METADATA_KEYS.version]).toMatch(/^\d+\.\d+\.\d+/);
    expect(JSON.parse(meta[METADATA_KEYS.inputs]!).descriptors).toEqual({ input: 'descriptors', columns: fixtures.gap.set.featureNames });
    expect(JSON.parse(meta[METADATA_KEYS.tasks]!)).toEqual([
      { task: GAP, kind: 'regression', head: 'regression', output: 'band_gap__eV_', width: 1 },
      { task: 'is_metal', kind: 'classification', head: 'classification', output: 'is_metal', width: 2, classes: ['0', '1'] },
    ]);
  });

  it('keeps a task name that an intermediate value would otherwise take', async () => {
    const fx = fixtures.gap;
    const spec = specFor(fx, { [GAP]: 'regression' });
    spec.tasks[0] = { ...spec.tasks[0], name: 'add' };
    const m = new MultiTaskModel(spec, 3);
    try {
      const scaling = { ...fx.scaling, tasks: [{ ...fx.scaling.tasks[0], name: 'add' }] };
      const rows = predictRows(fx, 4);
      const out = await runOnnx(exportModelToOnnx(m, { scaling, featurizer: fx.featurizer }), {
        descriptors: { data: rows.descriptors, dims: [rows.n, spec.encoder.inputDim] },
      });
      expect(Object.keys(out)).toEqual(['add']);
      expect(out.add.dims).toEqual([rows.n, 1]);
    } finally {
      m.dispose();
    }
  });

  it('refuses scaling parameters that do not fit the model, saying what does not match', () => {
    const { model: m, fx } = model('regression and classification');
    const d = m.spec.encoder.inputDim;
    const { features } = fx.scaling;
    const fewer = { ...fx.scaling, features: { ...features, names: features.names.slice(1), mean: features.mean.slice(1), std: features.std.slice(1) } };
    const run = (scaling: typeof fewer) => () => exportModelToOnnx(m, { scaling, featurizer: fx.featurizer });
    expect(run(fewer)).toThrow(CrucibleError);
    expect(run(fewer)).toThrow(`The scaling describes ${d - 1} descriptors but the model reads ${d}.`);
    expect(run(fixtures.phonon.scaling)).toThrow(`The scaling has no target scaling for task "${GAP}".`);
  });

  it('every exported model passes the ONNX reference checker (full check)', () => {
    expectValidOnnx(scratch.dir, Object.fromEntries(Object.keys(MODELS).map((label) => [label, exportOf(label)])));
  });
});
