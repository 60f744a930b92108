import { describe, expect, it } from 'vitest';
import { dumpResolvedConfig, parseConfigText, resolveRunConfig } from '../../../../src-main/engine/config';
import { getFeaturizer } from '../../../../src-main/engine/data/featurize';
import { BASE, errorOf, examplesDir, exptGapCsv, noticesOf, resolveYaml } from './fixtures';

/** PyTorch's ReduceLROnPlateau defaults, which the seed's keys do not set. */
const PLATEAU_DEFAULTS = { mode: 'min', threshold: 1e-4, threshold_mode: 'rel', cooldown: 0, eps: 1e-8 };

const roundTrip = (text: string) => {
  const cfg = resolveYaml(text);
  expect(parseConfigText(dumpResolvedConfig(cfg), { baseDir: '/' })).toStrictEqual(cfg);
  return cfg;
};

describe('defaults', () => {
  it('fill a minimal config as the seed would, with Crucible’s own choices documented', () => {
    const cfg = resolveYaml(BASE);
    expect(cfg.name).toBeNull();
    expect(cfg.seed).toBe(42);
    expect(cfg.backend).toBe('auto');
    expect(cfg.weighting).toEqual({ strategy: 'uncertainty', options: { init_log_sigma: 0 } });
    expect(cfg.model).toEqual({
      inputDim: 'auto',
      hiddenDims: [64, 32],
      depositDim: 32,
      activation: 'leaky_relu',
      norm: true,
      residual: false,
      dropout: 0,
      structure: null,
      selfSupervised: { enabled: false, weights: { mfm: 1, contrastive: 1, crossRecon: 1 }, maskRatio: 0.15, temperature: 0.07, modalityDropoutP: 0.3 },
      encoderOptimizer: {
        type: 'adamw',
        options: { betas: [0.9, 0.999], eps: 1e-6 },
        lr: 5e-3,
        weightDecay: 1e-2,
        freeze: false,
        // The seed's factor, patience and min_lr, PyTorch's other defaults; the monitor is the tasks' mean raw
        // validation loss: the weighted total rises when learned task weights grow.
        scheduler: { type: 'reduce_on_plateau', options: { ...PLATEAU_DEFAULTS, factor: 0.5, patience: 5, min_lr: 1e-4, monitor: 'val_task_loss' } },
      },
      lora: null,
      elements: null,
    });
    expect(cfg.tasks[0]).toEqual({
      name: 'band_gap',
      kind: 'regression',
      head: 'regression',
      column: 'band_gap_eV',
      stepsColumn: null,
      weight: 1,
      enabled: true,
      maskingRatio: 1,
      optimizer: { ...cfg.model.encoderOptimizer, weightDecay: 1e-3 },
      lora: null,
      outputWidth: null,
      numClasses: null,
      classWeights: null,
      headOptions: { hidden_dims: [64], activation: 'leaky_relu', norm: true, dropout: 0 },
      // Decided from the training labels when the run starts (train/bounds.ts): 0 when all are ≥ 0.
      bounds: { lower: 'auto', upper: null },
    });
    // Without data_column the task reads the column named like the task.
    expect(cfg.tasks[1]).toMatchObject({ name: 'is_metal', kind: 'classification', head: 'classification', column: 'is_metal' });
    expect(cfg.data).toEqual({
      formulaDescriptors: null,
      attributes: { kind: 'file', path: exptGapCsv, format: 'csv' },
      structureDescriptors: null,
      formulaColumn: 'formula',
      featurizer: 'magpie',
      idColumn: null,
      splitColumn: 'split',
      batchSize: 32,
      valSplit: 0.1,
      testSplit: 0.1,
      trainRandomSeed: 42,
      testRandomSeed: 24,
      testAll: false,
    });
    expect(cfg.trainer).toEqual({
      maxEpochs: 100,
      minEpochs: 0,
      gradientClipVal: null,
      gradientClipAlgorithm: 'norm',
      // On by default: each task keeps its own best epoch, patience scaled to the data size.
      earlyStopping: { monitor: 'per_task', patience: 'auto', minDelta: 0, mode: 'min' },
      checkpoint: { monitor: 'per_task', mode: 'min' },
    });
    expect(resolveYaml(`${BASE}trainer:\n  early_stopping: null\n`).trainer.earlyStopping).toBeNull();
  });

  it('take the seed’s balancer switch for the weighting strategy', () => {
    expect(resolveYaml(BASE.replace('  init_args:\n', '  init_args:\n    enable_learnable_loss_balancer: false\n')).weighting).toEqual({
      strategy: 'static',
      options: {},
    });
    // Task sampling draws tasks in proportion to their static loss weights (DeePMD-kit's model_prob), so it has no options of its own.
    expect(resolveYaml(`${BASE}weighting:\n  strategy: task_sampling\n`).weighting).toEqual({ strategy: 'task_sampling', options: {} });
    expect(() => resolveYaml(`${BASE}weighting:\n  strategy: task_sampling\n  options: { probabilities: { band_gap: 3 } }\n`)).toThrow(
      /weighting\.options\.probabilities/,
    );
  });

  it('accept a numeric input width equal to the featurizer’s', () => {
    const width = getFeaturizer('magpie').featureNames.length;
    expect(resolveYaml(BASE.replace('[auto, 64, 32]', `[${width}, 64, 32]`)).model.inputDim).toBe(width);
  });
});

describe('the seed’s layouts', () => {
  /** The layout of the seed's samples/generated_configs (2025): flat optimiser settings, weights per task, Lightning callbacks. */
  const GENERATED = `model:
  class_path: foundation_model.models.FlexibleMultiTaskModel
  init_args:
    shared_block_dims: [auto, 128, 64]
    task_configs:
      - name: band_gap
        type: REGRESSION
        data_column: band_gap_eV
        dims: [64, 32, 1]
        norm: true
        residual: false
        weight: 1.0
        enabled: true
        optimizer:
          optimizer_type: AdamW
          lr: 0.001
          weight_decay: 0.01
          eps: 1.0e-06
          betas: [0.9, 0.999]
          scheduler_type: ReduceLROnPlateau
          mode: min
          factor: 0.5
          patience: 10
          min_lr: 1.0e-05
          monitor: val_band_gap_loss
      - name: is_metal
        type: CLASSIFICATION
        data_column: is_metal
        dims: [64, 32]
        num_classes: 2
        norm: true
        residual: false
        weight: 0.5
        optimizer: { optimizer_type: Adam, lr: 0.002, scheduler_type: StepLR, patience: 30, factor: 0.1 }
    shared_block_optimizer:
      optimizer_type: AdamW
      lr: 0.001
      freeze_parameters: false
      scheduler_type: ReduceLROnPlateau
      monitor: val_total_loss
    with_structure: false
    modality_dropout_p: 0.3
    norm_shared: true
    residual_shared: false
    enable_self_supervised_training: false
    mask_ratio: 0.15
    temperature: 0.07
    loss_weights: { mfm: 1.0, contrastive: 0.5, cross_recon: 1.0 }
data:
  class_path: foundation_model.data.CompoundDataModule
  init_args:
    attributes_source: ${JSON.stringify(exptGapCsv)}
    formula_column: formula
    task_configs: \${model.init_args.task_configs}
    batch_size: 64
    num_workers: 0
    val_split: 0.1
    test_split: 0.1
    train_random_seed: 42
    test_random_seed: 24
trainer:
  default_root_dir: results/logs/default_experiment
  max_epochs: 100
  accelerator: cpu
  devices: 1
  fast_dev_run: True
  log_every_n_steps: 50
  callbacks:
    - class_path: lightning.pytorch.callbacks.ModelCheckpoint
      init_args: { dirpath: null, filename: "{epoch}-{val_total_loss:.2f}", monitor: val_total_loss, mode: min, save_top_k: 1, save_last: true }
    - class_path: lightning.pytorch.callbacks.EarlyStopping
      init_args: { monitor: val_total_loss, patience: 25, mode: min, verbose: true }
    - class_path: lightning.pytorch.callbacks.LearningRateMonitor
      init_args: { logging_interval: step }
`;

  it('resolves the generated-config layout: optimisers, schedulers, static weights, callbacks', () => {
    const cfg = roundTrip(GENERATED);
    const [gap, metal] = cfg.tasks;
    expect(gap.optimizer).toEqual({
      type: 'adamw',
      options: { betas: [0.9, 0.999], eps: 1e-6 },
      lr: 0.001,
      weightDecay: 0.01,
      freeze: false,
      scheduler: { type: 'reduce_on_plateau', options: { ...PLATEAU_DEFAULTS, factor: 0.5, patience: 10, min_lr: 1e-5, monitor: 'val_band_gap_loss' } },
    });
    expect(gap).toMatchObject({ weight: 1, outputWidth: 1, headOptions: { hidden_dims: [32], norm: true } });
    // The seed's StepLR steps every 10 epochs by `factor`.
    expect(metal.optimizer).toMatchObject({ type: 'adam', lr: 0.002, scheduler: { type: 'step', options: { step_size: 10, gamma: 0.1 } } });
    expect(metal).toMatchObject({ weight: 0.5, numClasses: 2, headOptions: { hidden_dims: [32] } });
    expect(cfg.model.encoderOptimizer.scheduler).toMatchObject({ type: 'reduce_on_plateau', options: { monitor: 'val_final_loss' } });
    expect(cfg.model.selfSupervised.weights).toEqual({ mfm: 1, contrastive: 0.5, crossRecon: 1 });
    expect(cfg.trainer.earlyStopping).toEqual({ monitor: 'val_final_loss', patience: 25, minDelta: 0, mode: 'min' });
    expect(cfg.trainer.checkpoint).toEqual({ monitor: 'val_final_loss', mode: 'min' });
  });

  it('reports each accepted-but-ignored key with its line', () => {
    const lineWith = (text: string) => GENERATED.split('\n').findIndex((l) => l.includes(text)) + 1;
    const notices = noticesOf(GENERATED);
    const at = (path: string) => notices.find((n) => n.path === path);
    expect(at('model.init_args.task_configs[0].residual')).toEqual({
      path: 'model.init_args.task_configs[0].residual',
      line: 11,
      message: 'The regression head has no "residual" option; ignored.',
    });
    expect(at('model.init_args.shared_block_optimizer.monitor')?.message).toBe(
      'The seed\'s "val_total_loss" is Crucible\'s "val_final_loss"; monitoring that.',
    );
    expect(at('data.init_args.num_workers')?.line).toBe(lineWith('num_workers'));
    expect(at('trainer.fast_dev_run')?.message).toBe("Lightning's fast_dev_run is ignored (Crucible has no such setting).");
    expect(at('trainer.accelerator')?.message).toMatch(/top-level "backend" key/);
    expect(at('trainer.callbacks[0].init_args.save_last')?.line).toBe(lineWith('save_last'));
    expect(at('trainer.callbacks[2].class_path')?.message).toMatch(/LearningRateMonitor callback is ignored/);
    // Notices arrive in file order.
    const lines = notices.map((n) => n.line ?? Infinity);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('reads the newer seed’s names: loss_weight, task_masking_ratio, KernelRegression with t_column', () => {
    const text = BASE.replace(
      '        data_column: band_gap_eV\n',
      `        data_column: band_gap_eV
        loss_weight: 2.5
        task_masking_ratio: 0.5
      - name: dos
        type: KernelRegression
        data_column: dos
        t_column: frequency_grid
        x_dim: [32, 16]
        t_encoding_method: fc
        kernel_num_centers: 16
`,
    );
    const cfg = roundTrip(text);
    expect(cfg.tasks[0]).toMatchObject({ weight: 2.5, maskingRatio: 0.5 });
    expect(cfg.tasks[1]).toMatchObject({
      name: 'dos',
      kind: 'sequence',
      head: 'kernel_regression',
      stepsColumn: 'frequency_grid',
      headOptions: { kernel_num_centers: 16 },
    });
    expect(noticesOf(text).map((n) => n.message)).toEqual([
      'The kernel_regression head has no "x_dim" option; ignored.',
      'The kernel_regression head has no "t_encoding_method" option; ignored.',
    ]);
  });

  it('takes static weights and keep-ratios from the 2025 seed’s name-keyed mappings', () => {
    const cfg = resolveYaml(
      `${BASE.replace('  init_args:\n', '  init_args:\n    loss_weights: { is_metal: 0.25, mfm: 0.2 }\n')}    task_masking_ratios: { band_gap: 0.2 }\n`,
    );
    expect(cfg.tasks.map((t) => [t.weight, t.maskingRatio])).toEqual([
      [1, 0.2],
      [0.25, 1],
    ]);
    expect(cfg.model.selfSupervised.weights.mfm).toBe(0.2);
  });
});

describe('Crucible’s own keys', () => {
  it('cover LoRA, class weights, schedulers, structure, early stopping and project tables', () => {
    const text = `seed_everything: 7
experiment_name: crucible keys
backend: wasm
model:
  init_args:
    shared_block_dims: [auto, 64, 32]
    deposit_dim: 16
    activation: gelu
    dropout: 0.2
    with_structure: true
    struct_block_dims: [auto, 32]
    lora_rank: 4
    shared_block_optimizer: { scheduler_type: cosine, freeze_parameters: true }
    task_configs:
      - name: is_metal
        type: Classification
        num_classes: 2
        class_weights: [1.0, 3.0]
        lora_enabled: true
        hidden_dims: [8]
        optimizer: { scheduler_type: null }
      - name: dos
        type: sequence
        subtype: tcn
        data_column: dos
        steps_column: frequency_grid
        n_tcn_layers: 3
        freeze_parameters: true
data:
  init_args:
    table: expt_gap
    structure_desc_source: { table: structures }
    formula_column: formula
    featurizer: oliynyk
    split_column: null
trainer:
  max_epochs: 40
  min_epochs: 5
  gradient_clip_val: 0.5
  gradient_clip_algorithm: value
  early_stopping: { patience: 4, min_delta: 0.001 }
  checkpoint: { monitor: val_is_metal_loss }
`;
    const cfg = resolveYaml(text, { projectTables: ['expt_gap', 'structures'] });
    expect(parseConfigText(dumpResolvedConfig(cfg), { baseDir: '/' })).toStrictEqual(cfg);
    expect([cfg.seed, cfg.name, cfg.backend]).toEqual([7, 'crucible keys', 'wasm']);
    expect(cfg.model).toMatchObject({ depositDim: 16, activation: 'gelu', dropout: 0.2, structure: { inputDim: 'auto', hiddenDims: [32] } });
    expect(cfg.model.encoderOptimizer).toMatchObject({ freeze: true, scheduler: { type: 'cosine', options: { eta_min: 1e-4 } } });
    expect(cfg.tasks[0]).toMatchObject({
      lora: { rank: 4, alpha: 16, freezeBase: true },
      numClasses: 2,
      classWeights: [1, 3],
      headOptions: { hidden_dims: [8] },
    });
    expect(cfg.tasks[0].optimizer.scheduler).toEqual({ type: 'none', options: {} });
    expect(cfg.tasks[1]).toMatchObject({ head: 'tcn', stepsColumn: 'frequency_grid', headOptions: { n_tcn_layers: 3 }, lora: null });
    expect(cfg.tasks[1].optimizer.freeze).toBe(true);
    expect(cfg.data).toMatchObject({
      attributes: { kind: 'table', table: 'expt_gap' },
      structureDescriptors: { kind: 'table', table: 'structures' },
      featurizer: 'oliynyk',
      splitColumn: null,
    });
    expect(cfg.trainer).toEqual({
      maxEpochs: 40,
      minEpochs: 5,
      gradientClipVal: 0.5,
      gradientClipAlgorithm: 'value',
      earlyStopping: { monitor: 'per_task', patience: 4, minDelta: 0.001, mode: 'min' },
      checkpoint: { monitor: 'val_is_metal_loss', mode: 'min' },
    });
  });

  it('refuse class weights that do not match the class count', () => {
    const e = errorOf(BASE.replace('type: classification', 'type: classification\n        num_classes: 3\n        class_weights: [1, 2]'));
    expect(e.message).toBe('Task "is_metal": class_weights has 2 entries for 3 classes.');
  });

  it('refuse early stopping set both natively and by a callback', () => {
    const e = errorOf(`${BASE}trainer:\n  early_stopping: { patience: 3 }\n  callbacks:\n    - class_path: lightning.pytorch.callbacks.EarlyStopping\n`);
    expect(e.message).toBe('trainer.early_stopping (line 15) and this callback both configure the same thing.');
    expect(e.location?.row).toBe(17);
  });

  it('take an ensemble with its coverage (default 90 %), write it back, and refuse one member or a coverage of 1', () => {
    expect(resolveYaml(BASE).ensemble).toBeNull();
    expect(roundTrip(`${BASE}ensemble: { size: 5 }\n`).ensemble).toEqual({ size: 5, coverage: 0.9 });
    expect(roundTrip(`${BASE}ensemble: { size: 3, coverage: 0.8 }\n`).ensemble).toEqual({ size: 3, coverage: 0.8 });
    expect(errorOf(`${BASE}ensemble: { size: 1 }\n`).message).toMatch(/ensemble\.size.*at least 2 members/);
    expect(errorOf(`${BASE}ensemble: { size: 4, coverage: 1 }\n`).message).toMatch(/ensemble\.coverage.*between 0 and 1/);
  });

  it('draw and record a seed for seed_everything: true', () => {
    const cfg = resolveYaml(`seed_everything: true\n${BASE}`);
    expect(Number.isInteger(cfg.seed)).toBe(true);
    expect(parseConfigText(dumpResolvedConfig(cfg), { baseDir: '/' }).seed).toBe(cfg.seed);
  });
});

describe('overrides', () => {
  it('replace max epochs, seed and backend, and follow through to dependent defaults', () => {
    const text = `seed_everything: 3\n${BASE.replace('  init_args:\n', '  init_args:\n    shared_block_optimizer: { scheduler_type: cosine }\n')}trainer:\n  max_epochs: 10\n`;
    const cfg = resolveYaml(text, { overrides: { maxEpochs: 250, seed: 11, backend: 'cpu' } });
    expect([cfg.trainer.maxEpochs, cfg.seed, cfg.backend]).toEqual([250, 11, 'cpu']);
    // Without t_max, cosine's period is the run's epochs, read when the run builds its schedulers.
    expect(cfg.model.encoderOptimizer.scheduler).toEqual({ type: 'cosine', options: { eta_min: 1e-4 } });
    // The dumped config records the overridden values.
    expect(parseConfigText(dumpResolvedConfig(cfg), { baseDir: '/' })).toStrictEqual(cfg);
  });

  it('apply to a config without a trainer section', () => {
    expect(resolveYaml(BASE, { overrides: { maxEpochs: 3 } }).trainer.maxEpochs).toBe(3);
  });

  it('that are invalid name their flag', () => {
    const e = errorOf(BASE, { overrides: { maxEpochs: 0 } });
    expect(e.message).toBe('--max-epochs is 0, which is not valid.');
    expect(e.hint).toBe('Use a positive whole number.');
    const backend = errorOf(BASE, { overrides: { backend: 'gpu' as never } });
    expect(backend.message).toBe('--backend is "gpu", which is not valid.');
    expect(backend.hint).toBe('Use one of: auto, tensorflow, wasm, cpu.');
  });
});

describe('resolveRunConfig', () => {
  it('resolves a plain object (from the UI) against a base folder, without line numbers', () => {
    const raw = {
      model: { init_args: { shared_block_dims: [2, 16], task_configs: [{ name: 'task_A', type: 'regression', data_column: 'target_A' }] } },
      data: { init_args: { formula_desc_source: 'data/dummy_formula_descriptors.csv', attributes_source: 'data/dummy_attributes.csv' } },
    };
    const cfg = resolveRunConfig(raw, { baseDir: examplesDir });
    expect(cfg.tasks[0]).toMatchObject({ name: 'task_A', column: 'target_A' });
    expect(cfg.data.formulaDescriptors).toMatchObject({ kind: 'file', format: 'csv' });
    try {
      resolveRunConfig({ ...raw, trainer: { max_epoch: 3 } }, { baseDir: examplesDir });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('Unknown key "trainer.max_epoch".');
      expect((e as { location?: unknown }).location).toBeUndefined();
    }
  });
});
