/** How an input file's columns feed a model: descriptors or formulas, structure, x values per curve task, kept columns. */
import { describe, expect, it } from 'vitest';
import { getFeaturizer } from '../../../../src-main/engine/data/featurize/index';
import type { ColumnKind } from '../../../../src-main/engine/data/store/column-kinds';
import type { BundleManifest, ManifestTask } from '../../../../src-main/engine/export/bundle/manifest';
import { planInputs, type PlanOptions } from '../../../../src-main/engine/infer/input-plan';
import type { InputTable } from '../../../../src-main/engine/infer/input-table';

const magpie = getFeaturizer('magpie');

function manifest(extra: { featurizer?: boolean; tasks?: ManifestTask[]; structure?: string[] } = {}): BundleManifest {
  return {
    tasks: extra.tasks ?? [{ name: 'gap', kind: 'regression', head: 'regression', output: 'gap', width: 1, column: 'gap_eV', unit: 'eV' }],
    input: {
      featurizer: extra.featurizer === false ? null : { id: 'magpie', tableSha256: magpie.tableSha256, description: '' },
      formulaColumn: 'composition',
      idColumn: null,
      descriptors: { input: 'descriptors', columns: extra.featurizer === false ? ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'] : [...magpie.featureNames] },
      ...(extra.structure ? { structure: { input: 'structure', has: 'has_structure', columns: extra.structure } } : {}),
    },
  } as BundleManifest;
}

function table(columns: Record<string, ColumnKind>): InputTable {
  return {
    table: 't',
    path: '/x/in.csv',
    file: 'in.csv',
    format: 'csv',
    rowCount: 1,
    columns: Object.entries(columns).map(([name, kind]) => ({
      name,
      kind,
      type: kind === 'number' ? 'DOUBLE' : kind === 'list' ? 'DOUBLE[]' : 'VARCHAR',
      expr: name,
      identity: true,
    })),
    rowNumbers: { rows: async (i) => i.map((r) => r + 2) },
    problems: [],
  };
}

const fixed = (...names: string[]): PlanOptions => ({ fixedLength: (t) => names.includes(t.name) });

const curve = (name: string, head: string, grid: number[] | null): ManifestTask => ({
  name,
  kind: 'sequence',
  head,
  output: name,
  width: 4,
  column: name,
  unit: null,
  steps: { input: `${name}_steps`, column: 'T', grid },
});

describe('planInputs', () => {
  it('featurizes the training formula column, else a column named formula, else uses the descriptor columns', () => {
    const byTraining = planInputs(manifest(), table({ id: 'text', composition: 'text', formula: 'text' }), fixed());
    expect(byTraining.descriptors).toMatchObject({ kind: 'featurize', column: 'composition' });
    expect(planInputs(manifest(), table({ formula: 'text', x: 'number' }), fixed()).descriptors).toMatchObject({ kind: 'featurize', column: 'formula' });
    const descriptors = Object.fromEntries(magpie.featureNames.map((n) => [n, 'number' as const]));
    expect(planInputs(manifest(), table({ formula: 'text', ...descriptors }), fixed()).descriptors).toEqual({
      kind: 'columns',
      columns: [...magpie.featureNames],
    });
    expect(planInputs(manifest(), table({ f: 'text', ...descriptors }), { ...fixed(), formulaColumn: 'f' }).descriptors).toMatchObject({
      kind: 'featurize',
      column: 'f',
    });
  });

  it('names what is missing', () => {
    expect(() => planInputs(manifest({ featurizer: false }), table({ d1: 'number', d2: 'text' }), fixed())).toThrow(
      /in\.csv lacks 6 of the 7 numeric descriptor columns the model reads: "d2", "d3", "d4", "d5", "d6" and 1 more\./,
    );
    expect(() => planInputs(manifest(), table({ name: 'text' }), fixed())).toThrow(/neither a formula column nor the 321 descriptor columns/);
    expect(() => planInputs(manifest(), table({ formula: 'number' }), { ...fixed(), formulaColumn: 'formula' })).toThrow(
      /Column "formula" holds numbers, not chemical formulas/,
    );
    expect(() => planInputs(manifest(), table({ formula: 'text' }), { ...fixed(), formulaColumn: 'formul' })).toThrow(
      /The formula column "formul" is not a column of in\.csv/,
    );
  });

  it('refuses to featurize with an element table other than the training one', () => {
    const m = manifest();
    m.input.featurizer!.tableSha256 = '0'.repeat(64);
    expect(() => planInputs(m, table({ formula: 'text' }), fixed())).toThrow(/trained with a different magpie element table/);
  });

  it('reads structure columns when all are there, predicts from composition alone when none are', () => {
    const m = manifest({ structure: ['volume', 'sites'] });
    expect(planInputs(m, table({ formula: 'text', volume: 'number', sites: 'number' }), fixed()).structure).toEqual(['volume', 'sites']);
    const none = planInputs(m, table({ formula: 'text' }), fixed());
    expect(none.structure).toBeNull();
    expect(none.notes).toEqual(['in.csv has no structure descriptor columns ("volume", "sites"): every row is predicted from its composition alone.']);
    expect(() => planInputs(m, table({ formula: 'text', volume: 'number' }), fixed())).toThrow(
      /only 1 of the 2 structure descriptor columns; missing: "sites"/,
    );
  });

  it("takes each curve's x values from the row when it has them, else from the model's grid", () => {
    const m = manifest({ tasks: [curve('dos', 'vec', [0, 1, 2, 3]), curve('seebeck', 'rnn', null), curve('kappa', 'rnn', [1, 2, 3, 4])] });
    const plan = planInputs(m, table({ formula: 'text', T: 'list' }), fixed('dos'));
    expect(plan.steps).toEqual(
      new Map([
        ['dos', { kind: 'grid', grid: [0, 1, 2, 3], column: 'T' }],
        ['seebeck', { kind: 'column', column: 'T' }],
        ['kappa', { kind: 'column', column: 'T' }],
      ]),
    );
    expect(plan.notes).toEqual(['Task "dos" predicts on its training grid (the vec head has a fixed length); column "T" is not used.']);
    const noColumn = manifest({ tasks: [curve('kappa', 'rnn', [1, 2, 3, 4]), curve('dos', 'vec', null)] });
    expect(planInputs(noColumn, table({ formula: 'text' }), fixed('dos')).steps).toEqual(
      new Map([
        ['kappa', { kind: 'grid', grid: [1, 2, 3, 4], column: 'T' }],
        ['dos', { kind: 'grid', grid: [0, 1, 2, 3], column: 'T' }],
      ]),
    );
    expect(() => planInputs(manifest({ tasks: [curve('seebeck', 'rnn', null)] }), table({ formula: 'text' }), fixed())).toThrow(
      /Task "seebeck" was trained on curves with different x-grids, so in\.csv needs column "T"/,
    );
  });

  it('keeps every input column unless told which (and then the x columns it reads too)', () => {
    const m = manifest({ tasks: [curve('seebeck', 'rnn', null)] });
    const input = table({ sample_id: 'number', formula: 'text', source: 'text', gap_eV: 'number', T: 'list' });
    // Every column, numbers too: predictions used to drop them (only text and id columns were kept).
    expect(planInputs(m, input, fixed()).keep).toEqual(['sample_id', 'formula', 'source', 'gap_eV', 'T']);
    expect(planInputs(m, input, { ...fixed(), keep: ['gap_eV'] }).keep).toEqual(['gap_eV', 'T']);
    expect(() => planInputs(m, input, { ...fixed(), keep: ['sorce'] })).toThrow(expect.objectContaining({ hint: 'Did you mean "source"?' }));
  });
});
