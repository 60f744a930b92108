import { describe, expect, it } from 'vitest';
import { BASE, errorOf, exptGapCsv } from './fixtures';

/** BASE with one line replaced (1-based), or with lines inserted after it. */
function edit(line: number, replacement: string): string {
  const lines = BASE.split('\n');
  lines[line - 1] = replacement;
  return lines.join('\n');
}
function insertAfter(line: number, ...added: string[]): string {
  const lines = BASE.split('\n');
  lines.splice(line, 0, ...added);
  return lines.join('\n');
}

describe('unknown keys', () => {
  it('at the top level suggest the nearest key', () => {
    const e = errorOf(`${BASE}trainr:\n  max_epochs: 3\n`);
    expect(e.code).toBe('bad-config');
    expect(e.message).toBe('Unknown key "trainr".');
    expect(e.hint).toBe('Did you mean "trainer"?');
    expect(e.location).toEqual({ file: 'test.yaml', row: 14 });
  });

  it('in model.init_args name the full path and line', () => {
    const e = errorOf(edit(3, '    shared_blok_dims: [auto, 64, 32]'));
    expect(e.message).toBe('Unknown key "model.init_args.shared_blok_dims".');
    expect(e.hint).toMatch(/^Did you mean "shared_block_dims"\?/);
    expect(e.location?.row).toBe(3);
    expect(e.describe()).toMatch(/^test\.yaml, row 3: Unknown key "model\.init_args\.shared_blok_dims"\. Did you mean "shared_block_dims"\?/);
  });

  it('one level too high say where the key belongs', () => {
    const e = errorOf(insertAfter(1, '  shared_block_dims: [auto, 64, 32]'));
    expect(e.message).toBe('Unknown key "model.shared_block_dims".');
    expect(e.hint).toBe('"shared_block_dims" belongs under "model.init_args".');
    expect(e.location?.row).toBe(2);
  });

  it('in a task entry suggest the shared task keys', () => {
    const e = errorOf(edit(7, '        data_colum: band_gap_eV'));
    expect(e.message).toBe('Unknown key "model.init_args.task_configs[0].data_colum".');
    expect(e.hint).toBe('Did you mean "data_column"?');
    expect(e.location?.row).toBe(7);
  });

  it('among a head’s options come from the head registry', () => {
    const text = insertAfter(9, '      - name: dos', '        type: SEQUENCE', '        subtype: tcn', '        data_column: dos', '        n_tcn_layer: 3');
    const e = errorOf(text);
    expect(e.message).toBe('Unknown key "model.init_args.task_configs[2].n_tcn_layer".');
    expect(e.hint).toBe('Did you mean "n_tcn_layers"?');
    expect(e.location?.row).toBe(14);
  });

  it('in an optimizer, in a weighting strategy’s options and in a callback’s init_args', () => {
    const optimizer = errorOf(insertAfter(7, '        optimizer: { lr: 0.01, weight_decai: 0.1 }'));
    expect([optimizer.message, optimizer.hint, optimizer.location?.row]).toEqual([
      'Unknown key "model.init_args.task_configs[0].optimizer.weight_decai".',
      'Did you mean "weight_decay"?',
      8,
    ]);

    const weighting = errorOf(`${BASE}weighting:\n  strategy: uncertainty\n  options:\n    init_log_sigmas: 0.5\n`);
    expect([weighting.message, weighting.hint, weighting.location?.row]).toEqual([
      'Unknown key "weighting.options.init_log_sigmas".',
      'Did you mean "init_log_sigma"?',
      17,
    ]);

    const callback = errorOf(
      `${BASE}trainer:\n  callbacks:\n    - class_path: lightning.pytorch.callbacks.EarlyStopping\n      init_args:\n        monitor: val_total_loss\n        patiense: 5\n`,
    );
    expect([callback.message, callback.hint, callback.location?.row]).toEqual([
      'Unknown key "trainer.callbacks[0].init_args.patiense".',
      'Did you mean "patience"?',
      19,
    ]);
  });

  it('in name-keyed mappings suggest task names', () => {
    const masking = errorOf(`${BASE}    task_masking_ratios:\n      band_gp: 0.5\n`);
    expect([masking.message, masking.hint, masking.location?.row]).toEqual([
      'Unknown key "data.init_args.task_masking_ratios.band_gp".',
      'Did you mean "band_gap"?',
      15,
    ]);

    const weights = errorOf(insertAfter(3, '    loss_weights: { is_metl: 2.0 }'));
    expect(weights.message).toBe('Unknown key "model.init_args.loss_weights.is_metl".');
    expect(weights.hint).toBe('Did you mean "is_metal"?');
  });

  it('name an unknown callback and suggest the nearest one Crucible runs', () => {
    const e = errorOf(`${BASE}trainer:\n  callbacks:\n    - class_path: lightning.pytorch.callbacks.EarlyStoping\n`);
    expect(e.message).toBe('trainer.callbacks[0].class_path is "lightning.pytorch.callbacks.EarlyStoping", a callback Crucible does not run.');
    expect(e.hint).toBe('Did you mean "EarlyStopping"?');
    expect(e.location?.row).toBe(16);
  });

  it('report the first problem in file order and count the rest', () => {
    // The misspelt shared_block_dims is also "missing"; that echo is not counted.
    const e = errorOf(
      edit(3, '    shared_blok_dims: [auto, 64, 32]').replace('formula_column', 'formula_colum').replace('type: classification', 'type: clasification'),
    );
    expect(e.message).toBe('Unknown key "model.init_args.shared_blok_dims".');
    expect(e.hint).toBe('Did you mean "shared_block_dims"? 2 more problems in this config.');
  });
});

describe('wrong values', () => {
  it('name the path, the value and the expectation', () => {
    const e = errorOf(edit(3, '    shared_block_dims: [auto, abc, 32]'));
    expect(e.message).toBe('model.init_args.shared_block_dims[1] is "abc"; expected a positive whole number or "auto".');
    expect(e.location?.row).toBe(3);

    const batch = errorOf(`${BASE}    batch_size: 12.5\n`);
    expect(batch.message).toBe('data.init_args.batch_size is 12.5; expected a whole number.');
    expect(batch.location?.row).toBe(14);

    const split = errorOf(`${BASE}    val_split: 1.5\n`);
    expect(split.message).toBe('data.init_args.val_split is 1.5; must be less than 1.');
  });

  it('allow auto only as the input width', () => {
    const e = errorOf(edit(3, '    shared_block_dims: [auto, auto, 32]'));
    expect(e.message).toBe('model.init_args.shared_block_dims[1] is "auto"; only the first entry (the input width) may be "auto".');
  });

  it('in enumerations list the valid values and suggest the nearest', () => {
    const e = errorOf(edit(6, '        type: REGRESION'));
    expect(e.message).toBe('model.init_args.task_configs[0].type is "REGRESION"; must be one of regression, classification, sequence, kernel_regression.');
    expect(e.hint).toBe('Did you mean "regression"?');
    expect(e.location?.row).toBe(6);

    const strategy = errorOf(`${BASE}weighting:\n  strategy: uncertainity\n`);
    expect(strategy.message).toBe('weighting.strategy is "uncertainity"; must be one of static, uncertainty, task_sampling, gradnorm, dwa, pcgrad.');
    expect(strategy.hint).toBe('Did you mean "uncertainty"?');
  });

  it('report a missing required key at its parent’s line', () => {
    const e = errorOf(BASE.replace('        type: regression\n', ''));
    expect(e.message).toBe('Missing key "model.init_args.task_configs[0].type" (expected text).');
    expect(e.location?.row).toBe(5);
  });

  it('in head options name the task (checked by the head’s own schema)', () => {
    const e = errorOf(
      insertAfter(9, '      - name: dos', '        type: SEQUENCE', '        subtype: rnn', '        data_column: dos', '        cell: transformer'),
    );
    expect(e.message).toBe('Task "dos": model.init_args.task_configs[2].cell is "transformer"; must be one of gru, lstm.');
    expect(e.location?.row).toBe(14);
    const refined = errorOf(
      insertAfter(9, '      - name: dos', '        type: SEQUENCE', '        subtype: transformer', '        d_model: 30', '        nhead: 4'),
    );
    expect(refined.message).toBe('Task "dos": model.init_args.task_configs[2].nhead is 4; d_model must be a multiple of nhead.');
  });

  it('for an unknown head suggest the registered heads of the task’s kind', () => {
    const e = errorOf(insertAfter(9, '      - name: dos', '        type: SEQUENCE', '        subtype: rn'));
    expect(e.message).toBe('Task "dos": there is no sequence head "rn".');
    expect(e.hint).toBe('Did you mean "rnn"?');
    expect(e.location?.row).toBe(12);
    const wrongKind = errorOf(edit(6, '        type: regression\n        subtype: rnn'));
    expect(wrongKind.message).toBe('Task "band_gap": subtype "rnn" is a sequence head, but the task type is regression.');
  });

  it('check head input widths against the deposit layer', () => {
    const e = errorOf(insertAfter(7, '        dims: [64, 16, 1]'));
    expect(e.message).toBe('Task "band_gap": dims[0] is 64, but heads read the deposit layer, which is 32 wide.');
    expect(e.hint).toBe('Make it 32.');
    const dIn = errorOf(insertAfter(7, '        d_in: 256'));
    expect(dIn.message).toBe('Task "band_gap": d_in is 256, but heads read the deposit layer, which is 32 wide.');
  });

  it('refuse keys of another kind of task', () => {
    const e = errorOf(insertAfter(7, '        num_classes: 3'));
    expect(e.message).toBe('Task "band_gap": num_classes applies to classification tasks only, and this is a regression task.');
    expect(e.location?.row).toBe(8);
  });

  it('check a numeric input width against the featurizer', () => {
    const e = errorOf(edit(3, '    shared_block_dims: [100, 64, 32]'));
    expect(e.message).toMatch(/^shared_block_dims starts with 100, but the magpie featurizer gives \d+ descriptors\.$/);
    expect(e.hint).toMatch(/^Write auto \(or \d+\) as the first entry\.$/);
  });

  it('refuse two different values for one setting under two seed names', () => {
    const e = errorOf(insertAfter(7, '        weight: 2.0', '        loss_weight: 3.0'));
    expect(e.message).toBe(
      'model.init_args.task_configs[0].weight is 2 but model.init_args.task_configs[0].loss_weight (line 9) is 3; both set the same thing.',
    );
    expect(e.location?.row).toBe(8);
  });

  it('refuse a weighting strategy that contradicts enable_learnable_loss_balancer', () => {
    const e = errorOf(`${insertAfter(3, '    enable_learnable_loss_balancer: true')}weighting: { strategy: static }\n`);
    expect(e.message).toBe('weighting.strategy is "static" but model.init_args.enable_learnable_loss_balancer (line 4) is true.');
  });

  it('refuse duplicate task names', () => {
    const e = errorOf(edit(8, '      - name: band_gap'));
    expect(e.message).toBe('Two tasks are named "band_gap": this one and model.init_args.task_configs[0].name (line 5).');
    expect(e.location?.row).toBe(8);
  });

  it('need a structure branch and source for with_structure, fused at the shared width', () => {
    const noDims = errorOf(insertAfter(3, '    with_structure: true'));
    expect(noDims.message).toBe('with_structure is true but struct_block_dims is missing.');
    expect(noDims.location?.row).toBe(4);
    const width = errorOf(insertAfter(3, '    with_structure: true', '    struct_block_dims: [auto, 16]'));
    expect(width.message).toBe("struct_block_dims ends with 16, but the gated fusion needs the width of shared_block_dims' last entry, 32.");
    const noSource = errorOf(insertAfter(3, '    with_structure: true', '    struct_block_dims: [auto, 32]'));
    expect(noSource.message).toBe('with_structure is true but no structure descriptors are configured.');
  });
});

describe('data sources', () => {
  it('that do not exist are not-found errors at the key’s line', () => {
    const e = errorOf(edit(12, '    attributes_source: data/missing.csv'));
    expect(e.code).toBe('not-found');
    expect(e.message).toMatch(
      /^data\.init_args\.attributes_source names "data\/missing\.csv", which does not exist \(looked for .*examples\/data\/missing\.csv\)\.$/,
    );
    expect(e.location?.row).toBe(12);
  });

  it('must be a format Crucible reads', () => {
    const e = errorOf(edit(12, '    attributes_source: data/attributes.pd.xz'));
    expect(e.message).toBe('data.init_args.attributes_source is "data/attributes.pd.xz"; Crucible reads CSV, TSV, Parquet and Excel (.xlsx) files.');
  });

  it('refuse unexpanded variables', () => {
    const e = errorOf(edit(12, '    attributes_source: ${data_dir}/x.csv'));
    expect(e.message).toBe('data.init_args.attributes_source is "${data_dir}/x.csv"; variables such as ${…} are not expanded in paths.');
  });

  it('may be project tables, checked against the project', () => {
    const text = edit(12, '    table: expt_gap');
    const e = errorOf(text, { projectTables: ['expt_gapp', 'phonons'] });
    expect(e.message).toBe('The project has no table "expt_gap".');
    expect(e.hint).toBe('Did you mean "expt_gapp"?');
    const both = errorOf(insertAfter(12, '    table: expt_gap'));
    expect(both.message).toBe('Both data.init_args.table and data.init_args.attributes_source name the attributes.');
  });

  it('must give the model inputs, one way', () => {
    const none = errorOf(BASE.replace('    formula_column: formula\n', ''));
    expect(none.message).toBe('The model has no inputs: neither formula_desc_source nor formula_column is set.');
    const twice = errorOf(`${BASE}    formula_desc_source: ${JSON.stringify(exptGapCsv)}\n    featurizer: magpie\n`);
    expect(twice.message).toBe('featurizer computes descriptors from formulas, but formula_desc_source already provides descriptors.');
    expect(twice.location?.row).toBe(15);
  });
});

describe('YAML syntax', () => {
  it('errors carry the line', () => {
    const e = errorOf(edit(3, '    shared_block_dims: [auto, 64, 32'));
    expect(e.code).toBe('bad-config');
    expect(e.message).toMatch(/^The config is not valid YAML: /);
    expect(e.location?.file).toBe('test.yaml');
    expect(e.location?.row).toBeGreaterThanOrEqual(3);
  });

  it('refuse duplicate keys', () => {
    const e = errorOf(insertAfter(13, '    formula_column: formula'));
    expect(e.message).toBe('The config is not valid YAML: Map keys must be unique.');
    expect(e.location?.row).toBe(14);
  });

  it('refuse an empty document', () => {
    expect(errorOf('').message).toBe('(top level) is null; expected a mapping of keys to values.');
  });
});
