/**
 * One run over two tables whose formulas are spelled differently (Materials Project rows cut into an "energies"
 * table and an "elastic" table with reversed element order): from the project's tasks and from a config listing
 * both files. The run records the join in provenance.json and writes one test row per material.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFormula } from '../../../src-main/engine/data/formula/parse-formula';
import { ELEMENT_SYMBOLS } from '../../../src-main/engine/data/formula/periodic-table';
import { formulaKey } from '../../../src-main/engine/data/formula/canonical';
import { openProject } from '../../../src-main/engine/project/index';
import { DEFAULT_TRAIN_SETTINGS } from '../../../src-main/engine/project/train-settings';
import type { TaskSpec } from '../../../src-main/engine/project/tasks';
import { readProjectTables, saveProjectTasks, saveTrainSettings } from '../../../src-main/engine/project-run/index';
import { runCli } from '../../helpers/cli';
import { dataSet, scratchDir } from '../../helpers/paths';

/** The formula with its elements in reverse order and every count written out: Fe2O3 → O3Fe2, NaCl → Cl1Na1. */
function reversed(formula: string): string {
  const { elements, amounts } = parseFormula(formula);
  return elements
    .map((z, i) => `${ELEMENT_SYMBOLS[z]}${amounts[i]}`)
    .reverse()
    .join('');
}

const task = (name: string, table: string, column: string): TaskSpec => ({
  name,
  table,
  type: 'regression',
  subtype: 'regression',
  data_column: column,
  steps_column: null,
  loss_weight: 1,
  task_masking_ratio: 1,
  enabled: true,
  head_options: {},
});

interface Provenance {
  data: { source: string; rows: number }[];
  join: { on: string; materials: number; sources: { source: string; rows: number; keys: number; sharedKeys: number }[] };
}

describe('crucible train over two tables joined by material', () => {
  const scratch = scratchDir('crucible-cli-joined-');
  const dir = join(scratch.dir, 'Joined.crucible');
  const energies = join(scratch.dir, 'energies.csv');
  const elastic = join(scratch.dir, 'elastic.csv');
  beforeAll(async () => {
    const lines = readFileSync(dataSet('mp_multiproperty', 'mp_multiproperty.csv'), 'utf8').trim().split('\n');
    const rows = lines
      .slice(1)
      .map((l) => l.split(','))
      .filter((c) => c[1] !== '');
    // Columns: formula, bulk_modulus_GPa, shear_modulus_GPa, elastic_anisotropy, e_above_hull_eV_atom, magnetic_moment_muB.
    writeFileSync(energies, ['formula,e_above_hull_eV_atom', ...rows.slice(0, 600).map((c) => `${c[0]},${c[4]}`)].join('\n') + '\n');
    writeFileSync(elastic, ['composition,bulk_modulus_GPa', ...rows.slice(300, 900).map((c) => `${reversed(c[0])},${c[1]}`)].join('\n') + '\n');
    expect(runCli(['init', dir]).status).toBe(0);
    for (const [file, table] of [
      [energies, 'energies'],
      [elastic, 'elastic'],
    ]) {
      const r = runCli(['import', dir, file, '--table', table]);
      expect(r.status, r.stderr).toBe(0);
    }
    const project = await openProject(dir);
    await saveTrainSettings(project, { ...DEFAULT_TRAIN_SETTINGS, name: 'joined', maxEpochs: 2, batchSize: 128, sharedDims: [32] });
    await saveProjectTasks(
      project,
      [task('hull', 'energies', 'e_above_hull_eV_atom'), task('bulk', 'elastic', 'bulk_modulus_GPa')],
      await readProjectTables(project),
    );
  });
  afterAll(() => scratch.cleanup());

  it("trains the project's tasks of both tables in one run, recording the join", () => {
    const r = runCli(['train', '--project', dir], { timeoutMs: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Training hull, bulk from tables "energies" and "elastic", joined by material\./);
    const runDir = r.stdout.trim();
    const provenance = JSON.parse(readFileSync(join(runDir, 'provenance.json'), 'utf8')) as Provenance;
    expect(provenance.data.map((d) => d.source)).toEqual(['table:energies', 'table:elastic']);
    expect(provenance.join.on).toBe('formula');
    const [a, b] = provenance.join.sources;
    expect([a.rows, b.rows]).toEqual([600, 600]);
    // Rows 300..599 are in both tables, spelled differently in each.
    expect(a.sharedKeys).toBe(b.sharedKeys);
    expect(a.sharedKeys).toBeGreaterThanOrEqual(290);
    expect(provenance.join.materials).toBe(a.keys + b.keys - a.sharedKeys);

    const [header, ...body] = readFileSync(join(runDir, 'predictions', 'test.csv'), 'utf8')
      .trim()
      .split('\n');
    const cols = header.split(',');
    expect(cols).toEqual(['id', 'formula', 'formula_canonical', 'hull', 'hull_true', 'hull_in_domain', 'bulk', 'bulk_true', 'bulk_in_domain', 'domain_note']);
    const keys = body.map((l) => l.split(',')[2]);
    expect(new Set(keys).size).toBe(keys.length);
    // The user's spelling of the first table that has the material; the key is its canonical formula.
    for (const line of body.slice(0, 20)) {
      const [, formula, key] = line.split(',');
      expect(formulaKey(formula)).toBe(key);
    }
    const both = body.filter((l) => {
      const c = l.split(',');
      return c[4] !== '' && c[7] !== '';
    });
    expect(both.length).toBeGreaterThan(0);

    // The run's config.yaml lists both tables and reruns from the command line.
    const config = readFileSync(join(runDir, 'config.yaml'), 'utf8');
    expect(config).toMatch(/attributes_source:\n\s+- table: energies\n\s+- table: elastic\n\s+formula_column: composition/);
    expect(config).toContain('data_column: elastic.bulk_modulus_GPa');
  });

  it('trains a config that lists two files as attribute sources', () => {
    const cfg = join(scratch.dir, 'joined.yaml');
    writeFileSync(
      cfg,
      `seed_everything: 5
model:
  init_args:
    shared_block_dims: [auto, 16]
    task_configs:
      - { name: hull, type: REGRESSION, data_column: e_above_hull_eV_atom }
      - { name: bulk, type: REGRESSION, data_column: bulk_modulus_GPa }
data:
  init_args:
    attributes_source: [energies.csv, { path: elastic.csv, formula_column: composition }]
    formula_column: formula
    featurizer: magpie
    batch_size: 128
trainer:
  max_epochs: 1
`,
    );
    const out = join(scratch.dir, 'from-files');
    const r = runCli(['train', cfg, '--out', out], { timeoutMs: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const provenance = JSON.parse(readFileSync(join(out, 'provenance.json'), 'utf8')) as Provenance;
    expect(provenance.join.sources.map((s) => s.source)).toEqual(['energies.csv', 'elastic.csv']);
    expect(readdirSync(join(out, 'predictions'))).toContain('test.csv');
  });
});
