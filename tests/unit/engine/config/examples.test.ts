import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dumpResolvedConfig, loadConfig, parseConfigText, type ConfigNotice } from '../../../../src-main/engine/config';
import { repoRoot, scratchDir } from '../../../helpers/paths';
import { examplesDir } from './fixtures';

const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));
const scratch = scratchDir('crucible-config-');
afterAll(() => scratch.cleanup());

describe('the seed project README demo (demo_scaling_law.yaml)', () => {
  const demo = join(examplesDir, 'demo_scaling_law.yaml');

  it('resolves to task_A regression and task_B rnn sequence on the dummy data', async () => {
    const notices: ConfigNotice[] = [];
    const cfg = await loadConfig(demo, { onNotice: (n) => notices.push(n) });
    expect(cfg.name).toBe('scaling_law_demo');
    expect(cfg.seed).toBe(42);
    expect(cfg.model).toMatchObject({ inputDim: 2, hiddenDims: [128, 256], depositDim: 256, structure: null });
    expect(cfg.data.formulaDescriptors).toEqual({ kind: 'file', path: join(examplesDir, 'data', 'dummy_formula_descriptors.csv'), format: 'csv' });
    expect(cfg.data.attributes).toEqual({ kind: 'file', path: join(examplesDir, 'data', 'dummy_attributes.csv'), format: 'csv' });
    expect(cfg.data.featurizer).toBeNull();
    expect(cfg.data.batchSize).toBe(2);
    expect(cfg.tasks.map((t) => [t.name, t.kind, t.head, t.column, t.stepsColumn, t.maskingRatio])).toEqual([
      ['task_A', 'regression', 'regression', 'target_A', null, 1],
      ['task_B', 'sequence', 'rnn', 'series_B_y', 'series_B_x', 1],
    ]);
    const [a, b] = cfg.tasks;
    expect(a.headOptions).toMatchObject({ hidden_dims: [64] });
    expect(a.outputWidth).toBe(1);
    expect(a.optimizer).toMatchObject({ lr: 0.001, scheduler: { type: 'none' } });
    expect(b.headOptions).toMatchObject({ hidden: 64, cell: 'gru' });
    expect(cfg.model.encoderOptimizer).toMatchObject({ lr: 0.001, freeze: false, scheduler: { type: 'none' } });
    // The seed's balancer is on by default.
    expect(cfg.weighting).toEqual({ strategy: 'uncertainty', options: { init_log_sigma: 0 } });
    expect(cfg.trainer.maxEpochs).toBe(20);
    // Lightning's device, logger and output-folder keys are accepted and reported, in file order.
    expect(notices.map((n) => n.path)).toEqual([
      'data.init_args.num_workers',
      'trainer.default_root_dir',
      'trainer.accelerator',
      'trainer.devices',
      'trainer.logger',
    ]);
    expect(notices.every((n) => n.line !== null && n.line > 30)).toBe(true);
  });

  it('runs with the seed’s own paths when resolved from the repository root, unchanged', async () => {
    // The seed's README writes its paths relative to its repository root: examples/data/dummy_*.csv.
    const seedText = readFileSync(demo, 'utf8').replaceAll('"data/dummy_', '"examples/data/dummy_');
    expect(seedText).toContain('formula_desc_source: "examples/data/dummy_formula_descriptors.csv"');
    const fromRoot = parseConfigText(seedText, { baseDir: repoRoot });
    expect(fromRoot).toEqual(await loadConfig(demo));
  });

  it('comes with the dummy data its generator writes', () => {
    for (const f of ['dummy_formula_descriptors.csv', 'dummy_attributes.csv']) expect(existsSync(join(examplesDir, 'data', f))).toBe(true);
    const attributes = readFileSync(join(examplesDir, 'data', 'dummy_attributes.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(attributes[0]).toBe('id,target_A,series_B_y,series_B_x,split');
    expect(attributes).toHaveLength(41);
  });
});

describe('examples/expt_gap.yaml', () => {
  it('featurizes formulas with Magpie into a band-gap regression and an is_metal classification', async () => {
    const cfg = await loadConfig(join(examplesDir, 'expt_gap.yaml'));
    expect(cfg.model.inputDim).toBe('auto');
    expect(cfg.data).toMatchObject({ formulaDescriptors: null, formulaColumn: 'formula', featurizer: 'magpie', idColumn: 'formula' });
    expect(cfg.data.attributes).toMatchObject({ kind: 'file', format: 'csv' });
    expect(existsSync((cfg.data.attributes as { path: string }).path)).toBe(true);
    expect(cfg.tasks.map((t) => [t.name, t.kind, t.head, t.column])).toEqual([
      ['band_gap', 'regression', 'regression', 'band_gap_eV'],
      ['is_metal', 'classification', 'classification', 'is_metal'],
    ]);
    expect(cfg.tasks[1]).toMatchObject({ numClasses: 2, headOptions: { hidden_dims: [64] } });
    expect(cfg.trainer).toMatchObject({ gradientClipVal: 1, earlyStopping: { monitor: 'val_final_loss', patience: 15, minDelta: 0, mode: 'min' } });
  });
});

describe('examples/phonon_dos.yaml', () => {
  it('maps the DOS curves on their frequency grid to a vec head', async () => {
    const cfg = await loadConfig(join(examplesDir, 'phonon_dos.yaml'));
    expect(cfg.tasks).toHaveLength(1);
    expect(cfg.tasks[0]).toMatchObject({
      name: 'phonon_dos',
      kind: 'sequence',
      head: 'vec',
      column: 'dos',
      stepsColumn: 'frequency_grid',
      headOptions: { hidden_dims: [128, 128] },
    });
    expect(cfg.data).toMatchObject({ featurizer: 'magpie', idColumn: 'row_id' });
  });
});

describe('every example', () => {
  it('is found', () => {
    expect(exampleFiles).toEqual(expect.arrayContaining(['demo_scaling_law.yaml', 'expt_gap.yaml', 'phonon_dos.yaml']));
  });

  it.each(exampleFiles)('%s validates, and its dump loads back to an equal config', async (name) => {
    const cfg = await loadConfig(join(examplesDir, name));
    const dumped = join(scratch.dir, `resolved-${name}`);
    writeFileSync(dumped, dumpResolvedConfig(cfg));
    const notices: ConfigNotice[] = [];
    const again = await loadConfig(dumped, { onNotice: (n) => notices.push(n) });
    expect(again).toStrictEqual(cfg);
    // The dump holds only keys Crucible acts on.
    expect(notices).toEqual([]);
  });
});
