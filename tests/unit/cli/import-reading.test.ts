/** `crucible import --delimiter / --decimal-mark`: reading a CSV file another way than detected, as the import preview can. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';
import { scratchDir } from '../../helpers/paths';

describe('crucible import reading options', () => {
  let scratch: ReturnType<typeof scratchDir>;
  let dir: string;
  let mixed: string;
  beforeAll(() => {
    scratch = scratchDir();
    dir = join(scratch.dir, 'project');
    expect(runCli(['init', dir]).status).toBe(0);
    // As many decimal points as decimal commas: nothing to detect, the user says which.
    mixed = join(scratch.dir, 'mixed.csv');
    writeFileSync(mixed, 'formula;gap_eV;batch\nFe2O3;1,23;1.5\nNaCl;4,56;2.5\n');
  });
  afterAll(() => scratch.cleanup());

  it('reads the numbers with the decimal mark named on the command line', () => {
    expect(runCli(['import', dir, mixed, '--table', 'as_found']).status).toBe(0);
    expect(runCli(['import', dir, mixed, '--table', 'as_told', '--delimiter', 'semicolon', '--decimal-mark', 'comma']).status).toBe(0);
    const tables = runCli(['tables', dir]).stdout;
    expect(tables).toMatch(/as_found[^]*gap_eV\s+VARCHAR[^]*as_told[^]*gap_eV\s+DOUBLE/);
  });

  it('refuses a name it does not know, listing the ones it does', () => {
    const r = runCli(['import', dir, mixed, '--decimal-mark', 'dot']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/expected one of point, comma/);
  });
});
