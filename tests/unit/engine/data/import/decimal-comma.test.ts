/** Decimal-comma exports (`1,23;4,56`, as spreadsheets write them in many European locales), detected at import and changeable in the preview. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, previewFile } from '../../../../../src-main/engine/data/import';
import { initProject, type Project } from '../../../../../src-main/engine/project';
import { dataSet, scratchDir } from '../../../../helpers/paths';
import { rejection, writeFile } from './helpers';

const SOURCE = dataSet('mp_multiproperty', 'mp_multiproperty.csv');
const [HEADER, ...ROWS] = readFileSync(SOURCE, 'utf8').trim().split('\n');

/** The first `n` rows of the real file as a European spreadsheet exports them: `;` between fields, `,` as the decimal mark. */
function european(n: number, opts: { delimiter?: string; header?: string } = {}): string {
  const d = opts.delimiter ?? ';';
  const rows = ROWS.slice(0, n).map((line) =>
    line
      .split(',')
      .map((field, j) => (j === 0 ? field : field.replace('.', ',')))
      .join(d),
  );
  return `${[opts.header ?? HEADER.split(',').join(d), ...rows].join('\r\n')}\r\n`;
}

/** The source rows' numbers, as the original decimal-point file holds them. */
function expected(i: number): Record<string, unknown> {
  const names = HEADER.split(',');
  const fields = ROWS[i].split(',');
  return Object.fromEntries(names.map((n, j) => [n, j === 0 ? fields[j] : fields[j] === '' ? null : Number(fields[j])]));
}

describe('decimal-comma files', () => {
  let scratch: ReturnType<typeof scratchDir>;
  let project: Project;

  beforeAll(async () => {
    scratch = scratchDir();
    project = await initProject(join(scratch.dir, 'project'));
  });
  afterAll(() => scratch.cleanup());

  it('reads `1,23;4,56` as the numbers 1.23 and 4.56, and the preview says how it read the file', async () => {
    const file = writeFile(scratch.dir, 'short.csv', 'a;b\n1,23;4,56\n');
    const preview = await previewFile(file);
    expect(preview.columns.map((c) => `${c.name}:${c.kind}`)).toEqual(['a:number', 'b:number']);
    expect(preview.rows).toEqual([{ a: 1.23, b: 4.56 }]);
    expect(preview.reading).toEqual({ delimiter: ';', decimalMark: ',' });
    expect(preview.problems).toEqual([expect.objectContaining({ severity: 'notice', message: expect.stringMatching(/semicolon-separated with decimal commas/) })]);
  });

  it('imports real rows exported with decimal commas as the numbers of the original file', async () => {
    const file = writeFile(scratch.dir, 'elastic_eu.csv', european(40));
    const result = await importFile(project, file);
    expect(result.columns.filter((c) => c.name !== 'formula').every((c) => c.type === 'DOUBLE')).toBe(true);
    const store = await project.openStore();
    try {
      const rows = await store.sql.rows(`SELECT ${HEADER.split(',').join(', ')} FROM elastic_eu`);
      expect(rows).toEqual(ROWS.slice(0, 40).map((_, i) => expected(i)));
    } finally {
      await store.close();
    }
  });

  it('detects them when the header itself holds commas (unquoted column names with units)', async () => {
    const header = 'formula;bulk modulus, GPa;shear modulus, GPa;elastic anisotropy;e above hull, eV/atom;magnetic moment, muB';
    const preview = await previewFile(writeFile(scratch.dir, 'units_eu.csv', european(30, { header })));
    expect(preview.reading).toEqual({ delimiter: ';', decimalMark: ',' });
    expect(preview.columns.map((c) => c.name)).toEqual(header.split(';'));
    expect(preview.columns.slice(1).every((c) => c.kind === 'number')).toBe(true);
  });

  it('detects them when the first decimal comma sits below many whole numbers', async () => {
    const lines = ['formula;count'];
    for (let i = 0; i < 80; i++) lines.push(`${ROWS[i].split(',')[0]};${i}`);
    lines.push('NaCl;2,5');
    const preview = await previewFile(writeFile(scratch.dir, 'late.csv', `${lines.join('\n')}\n`));
    expect(preview.reading).toEqual({ delimiter: ';', decimalMark: ',' });
    expect(preview.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(preview.columns[1]).toMatchObject({ name: 'count', kind: 'number' });
  });

  it('reads tab-separated files with decimal commas too', async () => {
    const preview = await previewFile(writeFile(scratch.dir, 'elastic_eu.tsv', european(20, { delimiter: '\t' })));
    expect(preview.reading).toEqual({ delimiter: '\t', decimalMark: ',' });
    expect(preview.rows[0]).toEqual(expected(0));
  });

  it('leaves ordinary decimal-point files as they are', async () => {
    const preview = await previewFile(SOURCE, { rows: 3 });
    expect(preview.reading).toEqual({ delimiter: ',', decimalMark: '.' });
    expect(preview.problems.some((p) => /decimal commas/.test(p.message))).toBe(false);
  });

  it('follows the reading the user chose instead of the detected one', async () => {
    const file = writeFile(scratch.dir, 'chosen.csv', european(10));
    const asPoints = await previewFile(file, { reading: { decimalMark: '.' } });
    expect(asPoints.reading).toEqual({ delimiter: ';', decimalMark: '.' });
    expect(asPoints.columns.find((c) => c.name === 'e_above_hull_eV_atom')?.kind).toBe('text');
    expect(asPoints.problems.some((p) => /decimal commas/.test(p.message))).toBe(false);

    const mixed = writeFile(scratch.dir, 'mixed.csv', 'formula;gap;version\nFe2O3;1,23;1.0\nNaCl;4,56;2.0\n');
    expect((await previewFile(mixed)).columns[1].kind).toBe('text');
    const chosen = await previewFile(mixed, { reading: { decimalMark: ',' } });
    expect(chosen.columns[1]).toMatchObject({ name: 'gap', kind: 'number' });
    expect(chosen.rows[0].gap).toBe(1.23);

    const imported = await importFile(project, mixed, { table: 'mixed_chosen', reading: { decimalMark: ',' } });
    expect(imported.columns.find((c) => c.name === 'gap')?.type).toBe('DOUBLE');
  });

  it('refuses commas both between fields and as the decimal mark', async () => {
    const error = await rejection(previewFile(writeFile(scratch.dir, 'both.csv', 'a;b\n1,5;2\n'), { reading: { delimiter: ',', decimalMark: ',' } }));
    expect(error.code).toBe('bad-input');
    expect(error.hint).toMatch(/semicolon/);
  });
});
