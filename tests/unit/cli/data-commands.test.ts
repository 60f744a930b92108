/** `crucible init`, `import` and `tables` as a user runs them: exit codes, output, one-line errors. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../helpers/cli';
import { scratchDir, dataSet } from '../../helpers/paths';

/** A user error: exit code 1 and one `crucible: …` line on stderr, without a stack trace. */
function expectOneLineError(r: CliResult, pattern: RegExp): void {
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^crucible: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('crucible init / import / tables', () => {
  let scratch: ReturnType<typeof scratchDir>;
  let dir: string;
  beforeAll(() => {
    scratch = scratchDir();
    dir = join(scratch.dir, 'project');
  });
  afterAll(() => scratch.cleanup());

  it('init creates a project and refuses to do it twice', () => {
    const r = runCli(['init', dir, '--name', 'Hardness']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`Created project "Hardness" in ${dir}\n`);
    expectOneLineError(runCli(['init', dir]), /is already a Crucible project/);
  });

  it('import loads real files, with curves, and reports what it did', () => {
    const glass = runCli(['import', dir, dataSet('matbench_glass', 'glass.csv')]);
    expect(glass.status).toBe(0);
    expect(glass.stdout).toBe('Imported glass.csv into table "glass": 5,680 rows, 2 columns (formula column "formula").\n');
    const curves = runCli([
      'import',
      dir,
      dataSet('vickers_hardness_load', 'hv_comp_load_long.csv'),
      '--long',
      'formula,load_N,hardness_GPa',
      '--table',
      'hardness',
    ]);
    expect(curves.status).toBe(0);
    expect(curves.stdout).toBe(
      'Imported hv_comp_load_long.csv into table "hardness": 530 rows, 3 columns (formula column "formula"; curves hardness_GPa:load_N; folded from 1,062 rows).\n',
    );
    expect(curves.stderr).toMatch(/^warning: hv_comp_load_long\.csv, row 787, column "load_N": 1 curve point repeats its load_N/);
  });

  it('import refuses bad files and options in one line', () => {
    const bad = join(scratch.dir, 'bad.csv');
    writeFileSync(bad, 'formula,a,b\nFe,1,2\nCo,1\n');
    expectOneLineError(runCli(['import', dir, bad]), /^crucible: bad\.csv, row 3, column "b": this row has 2 fields, but the header names 3 columns\./);
    expectOneLineError(
      runCli(['import', dir, dataSet('mp_phonon_dos', 'mp_phonon_dos.csv'), '--curve', 'dos:frequncy_grid']),
      /--curve names column "frequncy_grid", which the file does not have\. Did you mean "frequency_grid"\?/,
    );
    expectOneLineError(runCli(['import', dir, dataSet('matbench_glass', 'glass.csv')]), /already has a table "glass".*--replace/);
    expectOneLineError(runCli(['import', dir, bad, '--curve', 'nonsense']), /curve spec "nonsense" is not of the form Y:X/);
  });

  it('tables lists tables with row counts and column types', () => {
    const r = runCli(['tables', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        'glass  (5,680 rows, from glass.csv, samples, formula column: formula)',
        '  formula  VARCHAR',
        '  gfa      BIGINT',
        '',
        'hardness  (530 rows, from hv_comp_load_long.csv, samples, formula column: formula, curves: hardness_GPa on load_N)',
        '  formula       VARCHAR',
        '  hardness_GPa  DOUBLE[]',
        '  load_N        DOUBLE[]',
        '',
      ].join('\n'),
    );
    expectOneLineError(runCli(['tables', scratch.dir]), /is not a Crucible project/);
  });
});
