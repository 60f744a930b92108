/** `crucible predict` as a user runs it: output path on stdout, provider, summary and unpredicted rows on stderr. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formulaKey } from '../../../src-main/engine/data/formula/canonical';
import { exportBundle } from '../../../src-main/engine/export/bundle/index';
import { openProject } from '../../../src-main/engine/project/index';
import { shownDecimals } from '../../../src-main/engine/util/quantities';
import { runCli } from '../../helpers/cli';
import { scratchDir } from '../../helpers/paths';
import { makeProject } from '../../helpers/projects';
import { csvRows, GAP_RUN, testPredictions, trainRun } from '../engine/export/bundle/trained-runs';

describe('crucible predict', () => {
  const scratch = scratchDir('crucible-cli-predict-');
  let run: string;
  let bundle: string;
  let input: string;
  beforeAll(async () => {
    run = await trainRun(GAP_RUN, join(scratch.dir, 'run'));
    bundle = (await exportBundle(run, join(scratch.dir, 'gap.crucible'))).file;
    input = join(scratch.dir, 'materials.csv');
    writeFileSync(input, 'id,formula\nm1,Fe2O3\nm2,Qq3\nm3,NaCl\n');
  }, 60_000);
  afterAll(() => scratch.cleanup());

  it('predicts a file, reporting the provider and the rows it could not featurize', () => {
    const out = join(scratch.dir, 'out.csv');
    const r = runCli(['predict', bundle, input, '--out', out, '--provider', 'auto', '--batch', '2', '--threads', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${out}\n`);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^Model gap\.crucible on (CUDA|the CPU \(1 thread\))/);
    expect(lines[1]).toMatch(/^Predicted 3 rows in [\d.]+ s \([\d,]+ rows\/s\) on (CUDA|the CPU, 1 thread)\.$/);
    expect(lines[2]).toMatch(/^[0-2] of 2 rows outside the training domain/);
    expect(lines[3]).toBe('1 row(s) left without predictions (written with empty cells):');
    expect(lines[4]).toMatch(/^ {2}row 3, column "formula": .*Qq/);
    expect(readFileSync(out, 'utf8').split('\n')[2]).toBe('m2,Qq3,,,,,,,,');
  });

  it("predicts a run's test formulas as its predictions/test.csv does, row for row by formula", () => {
    const test = testPredictions(run);
    const input = join(scratch.dir, 'test-formulas.csv');
    writeFileSync(input, `formula\n${test.map((r) => r.formula).join('\n')}\n`);
    const out = join(scratch.dir, 'test-predicted.csv');
    const r = runCli(['predict', run, input, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    const predicted = csvRows(out);
    expect(Object.keys(predicted[0])).toEqual([
      'formula',
      'formula_canonical',
      'band_gap',
      'band_gap_in_domain',
      'is_metal',
      'is_metal_prob_0',
      'is_metal_prob_1',
      'is_metal_in_domain',
      'domain_note',
    ]);
    expect(predicted.map((p) => [p.formula, p.formula_canonical])).toEqual(test.map((t) => [t.formula, t.formula_canonical]));
    const verdicts = (rows: Record<string, string>[]) => rows.map((r) => [r.band_gap_in_domain, r.is_metal_in_domain, r.domain_note]);
    expect(verdicts(predicted)).toEqual(verdicts(test));
    // The user's strings, not the canonical ones, in both files.
    expect(test.filter((t) => t.formula !== t.formula_canonical).length).toBeGreaterThan(test.length / 4);
    expect(test.every((t) => t.formula_canonical === formulaKey(t.formula))).toBe(true);
    // The CSV rounds the band gap to the decimals its test MAE allows (test.csv keeps full precision), probabilities to 4 significant digits.
    const decimals = shownDecimals(JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')).tasks.band_gap.test.mae)!;
    expect(decimals).toBeGreaterThan(0);
    predicted.forEach((p, i) => {
      const want = Number(test[i].band_gap);
      expect(p.band_gap.split('.')[1].length, p.band_gap).toBeLessThanOrEqual(decimals);
      expect(Math.abs(Number(p.band_gap) - want), p.formula).toBeLessThan(0.5 * 10 ** -decimals + 1e-4 * Math.max(1, Math.abs(want)));
      expect(Math.abs(Number(p.is_metal_prob_1) - Number(test[i].is_metal_p_1)), p.formula).toBeLessThan(1e-3);
    });
  });

  it('saves beside the input as <input>.predictions.csv without --out, keeping every input column, and never replaces that file', () => {
    const materials = join(scratch.dir, 'screening.csv');
    writeFileSync(materials, 'id,formula,batch,density_g_cm3\nm1,Fe2O3,A,5.2\nm3,NaCl,B,2.2\n');
    const beside = join(scratch.dir, 'screening.predictions.csv');
    const r = runCli(['predict', bundle, materials]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${beside}\n`);
    expect(readFileSync(beside, 'utf8').split('\n')[0]).toBe(
      'id,formula,formula_canonical,batch,density_g_cm3,band_gap,band_gap_in_domain,is_metal,is_metal_prob_0,is_metal_prob_1,is_metal_in_domain,domain_note',
    );
    writeFileSync(beside, 'my notes\n');
    const again = runCli(['predict', bundle, materials]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`crucible: ${beside} already exists.`);
    expect(readFileSync(beside, 'utf8')).toBe('my notes\n');
    // --out names the file wanted, so it replaces it; --keep keeps only the columns it lists.
    const kept = runCli(['predict', bundle, materials, '--out', beside, '--keep', 'id']);
    expect(kept.status, kept.stderr).toBe(0);
    expect(readFileSync(beside, 'utf8').split('\n')[0]).toMatch(/^id,formula_canonical,band_gap,/);
  });

  it('refuses --provider cuda in one line when CUDA cannot run', () => {
    const r = runCli(['predict', bundle, input, '--out', join(scratch.dir, 'cuda.csv'), '--provider', 'cuda']);
    if (r.status === 0) return expect(r.stderr).toMatch(/on CUDA/);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^crucible: The CUDA provider was requested, but .+\. Install the CUDA provider with `npm run install:cuda`.*\n$/);
    expect(runCli(['predict', bundle, input, '--provider', 'gpu']).stderr).toMatch(/expected one of auto, cuda, cpu/);
  });

  it('predicts with a run folder or a project model, storing a project table', async () => {
    const project = await makeProject(scratch.dir, 'project');
    expect(runCli(['models', 'import', bundle, '--project', project]).status).toBe(0);
    const byId = runCli(['predict', 'gap', input, '--project', project, '--table', 'screening']);
    expect(byId.status, byId.stderr).toBe(0);
    expect(byId.stdout).toBe('');
    expect(byId.stderr).toMatch(/; stored as table "screening"\.\n/);
    expect((await openProject(project)).table('screening')).toMatchObject({ rowCount: 3, sourceFile: 'materials.csv' });
    const fromRun = runCli(['predict', run, input, '--out', join(scratch.dir, 'run.csv')]);
    expect(fromRun.status, fromRun.stderr).toBe(0);
    expect(readFileSync(join(scratch.dir, 'run.csv'), 'utf8')).toBe(readFileSync(join(scratch.dir, 'out.csv'), 'utf8'));
    expect(runCli(['predict', 'nope', input, '--project', project]).stderr).toMatch(
      /^crucible: Project "project" has no model "nope"\. \w+ models: "gap"\.\n$/,
    );
  });
});
