/** Every kind of bad input is refused with a message naming the file, the spreadsheet row and the column. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, parseCurveSpec, parseLongSpec } from '../../../../../src-main/engine/data/import';
import { DataStore, quoteLiteral } from '../../../../../src-main/engine/data/store';
import { initProject, type Project } from '../../../../../src-main/engine/project';
import { scratchDir } from '../../../../helpers/paths';
import { importProblems, numericCsv, rejection, writeFile } from './helpers';

describe('bad input', () => {
  let scratch: ReturnType<typeof scratchDir>;
  let project: Project;
  beforeAll(async () => {
    scratch = scratchDir();
    project = await initProject(join(scratch.dir, 'project'));
  });
  afterAll(() => scratch.cleanup());

  const importText = (name: string, text: string | Buffer, opts = {}) => importFile(project, writeFile(scratch.dir, name, text), opts);

  it('ragged rows: names each row, the missing column, and the field counts', async () => {
    const e = await importProblems(importText('ragged.csv', 'formula,a,b\nFe,1,2\nCo,1\nNi,1,2,3\n'));
    expect(e.problems.map((p) => [p.location?.row, p.location?.column])).toEqual([
      [3, 'b'],
      [4, undefined],
    ]);
    expect(e.describe()).toBe(
      'ragged.csv: 2 problems, nothing imported: (1) row 3, column "b": this row has 2 fields, but the header names 3 columns. ' +
        'Add the missing fields (an empty field marks a missing value). (2) row 4: this row has 4 fields, but the header names 3 columns. ' +
        'Remove the extra fields, or quote values that contain the delimiter.',
    );
  });

  it('text in a mostly numeric column: lists the rows and values, even past quoted line breaks and blank lines', async () => {
    const e = await importProblems(importText('straggler.csv', numericCsv(40, (i) => (i === 5 ? 'X,abc' : i === 30 ? 'Y,1.2.3' : undefined))));
    expect(e.describe()).toBe(
      'straggler.csv, row 7, column "value": the column holds numbers, but 2 cells do not: row 7 "abc" and row 32 "1.2.3". ' +
        'Correct these cells, or empty them to mark missing values.',
    );
    // Row 2 spans two lines (quoted line break); rows 3 and 5 are blank lines, which a spreadsheet still numbers.
    const rows = ['formula,note,v', 'Fe,"a\nb",1', '', 'Co,x,2', '', ...Array.from({ length: 30 }, (_, i) => (i === 20 ? 'Q,y,bad' : `F${i},y,${i}`))];
    const shifted = await importProblems(importText('blank-lines.csv', `${rows.join('\n')}\n`));
    expect(shifted.problems[0].location).toEqual({ file: 'blank-lines.csv', row: 26, column: 'v' });
  });

  it('missing-value markers in a numeric column are missing values, not errors', async () => {
    const r = await importText('markers.csv', numericCsv(40, (i) => (i === 5 ? 'Fe2O3,NA' : i === 30 ? 'Fe3O4,-' : i === 31 ? 'FeO,n/a' : undefined)));
    expect(r.columns.find((c) => c.name === 'value')?.type).toBe('DOUBLE');
  });

  it('a column with much text stays a text column', async () => {
    const r = await importText('mixed.csv', numericCsv(40, (i) => (i % 3 === 0 ? `Fe${i}O,high` : undefined)));
    expect(r.columns.find((c) => c.name === 'value')?.type).toBe('VARCHAR');
  });

  it('a short numeric column with one typo imports as text, with a warning naming the cell', async () => {
    const r = await importText('typo.csv', 'formula,hardness_GPa\nFe,1.5\nCo,2.25\nNi,abc\nCu,4\nZn,5\n');
    expect(r.columns.find((c) => c.name === 'hardness_GPa')?.type).toBe('VARCHAR');
    const warning = r.problems.find((p) => p.location?.column === 'hardness_GPa')!;
    expect(warning).toMatchObject({ severity: 'warning', location: { file: 'typo.csv', row: 4, column: 'hardness_GPa' } });
    expect(warning.message).toBe('4 of 5 cells hold numbers, but 1 cell does not: row 4 "abc". The column was imported as text, so it cannot be a regression target as it is.');
  });

  it('infinite values', async () => {
    const e = await importProblems(importText('inf.csv', numericCsv(40, (i) => (i === 3 ? 'X,inf' : i === 7 ? 'Y,1e999' : i === 8 ? 'Z,-Infinity' : undefined))));
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0].location).toEqual({ file: 'inf.csv', row: 5, column: 'value' });
    expect(e.problems[0].message).toBe('3 infinite values: row 5 Infinity, row 9 Infinity and row 10 -Infinity.');
  });

  it('infinite values read as text (the sniffer saw them) are reported with their text', async () => {
    const e = await importProblems(importText('inf-text.csv', 'formula,value\nFe,1\nCo,inf\nNi,2\n'));
    expect(e.problems[0].location).toEqual({ file: 'inf-text.csv', row: 3, column: 'value' });
  });

  it('Parquet: NaN becomes missing, infinite values are named by row, in numbers and in lists', async () => {
    const tool = await DataStore.inMemory();
    const write = (name: string, select: string) => tool.sql.run(`COPY (${select}) TO ${quoteLiteral(join(scratch.dir, name))} (FORMAT parquet)`);
    await write('nan.parquet', `SELECT 'Fe' || i AS formula, CASE WHEN i = 2 THEN 'NaN'::DOUBLE ELSE i END AS v, [i, CASE WHEN i = 3 THEN 'NaN'::DOUBLE ELSE 1 END] AS l FROM range(5) t(i)`);
    await write('inf.parquet', `SELECT 'Fe' || i AS formula, CASE WHEN i = 2 THEN 'inf'::DOUBLE ELSE i END AS v, [i, CASE WHEN i = 3 THEN '-inf'::DOUBLE ELSE 1 END] AS l FROM range(5) t(i)`);
    await tool.close();
    const ok = await importFile(project, join(scratch.dir, 'nan.parquet'));
    expect(ok.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['formula:VARCHAR', 'v:DOUBLE', 'l:DOUBLE[]']);
    const store = await project.openStore();
    const rows = await store.sql.rows<{ v: number | null; l: (number | null)[] }>('SELECT v, l FROM nan');
    await store.close();
    expect(rows[2].v).toBeNull();
    expect(rows[3].l).toEqual([3, null]);
    const e = await importProblems(importFile(project, join(scratch.dir, 'inf.parquet')));
    expect(e.problems.map((p) => [p.location?.row, p.location?.column, p.message])).toEqual([
      [4, 'v', '1 infinite value: row 4 Infinity.'],
      [5, 'l', '1 infinite value: row 5 [3, -Infinity].'],
    ]);
  });

  it('unterminated and non-numeric lists in a list column', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => (i === 4 ? 'A,"[0.1, 0.2"' : i === 9 ? 'B,"[0.1, abc]"' : i === 12 ? 'C,"[1, inf]"' : `F${i},"[0.1, 0.2]"`));
    const e = await importProblems(importText('lists.csv', `formula,dos\n${lines.join('\n')}\n`));
    expect(e.problems.map((p) => p.message)).toEqual([
      'the column holds lists of numbers, but 2 cells do not: row 6 "[0.1, 0.2" (no closing ]) and row 11 "[0.1, abc]" (an entry is not a number).',
      '1 infinite value: row 14 "[1, inf]".',
    ]);
    expect(e.problems.every((p) => p.location?.column === 'dos')).toBe(true);
  });

  it('curve lengths that disagree with their x grid', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => (i === 3 ? 'A,"[1, 2, 3]","[1, 2]"' : i === 6 ? 'B,,"[1, 2]"' : `F${i},"[1, 2]","[3, 4]"`));
    const e = await importProblems(importText('curves.csv', `formula,x,y\n${lines.join('\n')}\n`, { curves: parseCurveSpec('y:x') }));
    expect(e.describe()).toBe(
      'curves.csv, row 5, column "y": curve "y" on "x": the lengths differ in 2 rows: row 5 (2 values for 3 x) and row 8 (2 values for 0 x). ' +
        'Each row needs one y value per x value; correct the lists or empty the y cell.',
    );
    const notList = await importProblems(importText('curves2.csv', `formula,x,y\n${lines.join('\n')}\n`, { curves: parseCurveSpec('formula:x') }));
    expect(notList.problems[0].message).toBe('--curve formula:x: column "formula" does not hold lists of numbers.');
  });

  it('empty, blank, header-only, binary and misnamed files', async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['empty.csv', '', /^empty\.csv: the file is empty\. /],
      ['blank.csv', '\n \r\n', /^blank\.csv: the file is empty\. /],
      ['header.csv', 'formula,value\r\n', /^header\.csv: the file has a header but no data rows\. /],
      ['binary.csv', Buffer.from([0x66, 0x6f, 0x00, 0x01, 0x0a]), /^binary\.csv: the file is not text \(byte 3 is a NUL character\)\. /],
      ['book.csv', Buffer.from('PK\x03\x04....', 'latin1'), /^book\.csv: the file is a zip archive .*rename it to \.xlsx/],
      ['utf16.csv', Buffer.from('\ufeffa,b\n', 'utf16le'), /^utf16\.csv: the file is UTF-16 text/],
    ];
    for (const [name, content, message] of cases) expect((await importProblems(importText(name, content))).describe()).toMatch(message);
    expect((await importProblems(importText('broken.parquet', 'not parquet'))).describe()).toMatch(/^broken\.parquet: the file could not be read as Parquet/);
    expect((await importProblems(importText('broken.xlsx', 'not a workbook'))).describe()).toMatch(/^broken\.xlsx: the file could not be read as an Excel workbook/);
  });

  it('an unclosed quote is reported at its row even when the sniffer gives up', async () => {
    const e = await importProblems(importText('quote.csv', 'formula,note\nFe,"ok"\nCo,"open\nNi,x\n'));
    expect(e.problems[0].location).toEqual({ file: 'quote.csv', row: 3, column: 'note' });
    expect(e.problems[0].message).toMatch(/quoted value is not closed/);
  });

  it('invalid UTF-8 is reported at its row', async () => {
    const e = await importProblems(importText('latin1.csv', Buffer.concat([Buffer.from('formula,note\nFe,ok\nCo,caf'), Buffer.from([0xe9]), Buffer.from('\n')])));
    expect(e.problems[0]).toMatchObject({ location: { file: 'latin1.csv', row: 3 }, message: 'this row is not valid UTF-8 text.' });
  });

  it('duplicate formulas with different targets: a warning listing the rows, same composition in any spelling', async () => {
    const r = await importText('dups.csv', numericCsv(10, (i) => (i === 2 ? 'Fe2O3,1' : i === 7 ? 'O3Fe2,2' : i === 8 ? 'Fe4O6,1' : i === 9 ? 'not a formula!,3' : undefined)));
    expect(r.table.rowCount).toBe(10);
    expect(r.problems.map((p) => [p.severity, p.location?.row, p.message])).toEqual([
      ['warning', 11, '1 formula could not be read: row 11 "not a formula!".'],
      ['warning', 4, '1 formula appears on several rows with different values: "Fe2O3" (rows 4, 9, 10: value).'],
    ]);
  });

  it('unknown columns in options, with the nearest column suggested', async () => {
    const e = await importProblems(importText('unknown.csv', numericCsv(3), { formulaColumn: 'formla', curves: parseCurveSpec('valeu:grid') }));
    expect(e.problems.map((p) => `${p.message} ${p.hint}`)).toEqual([
      '--formula-column names column "formla", which the file does not have. Did you mean "formula"?',
      '--curve names column "valeu", which the file does not have. Did you mean "value"?',
      '--curve names column "grid", which the file does not have. Valid columns: "formula", "value".',
    ]);
    const numeric = await importProblems(importText('numeric.csv', numericCsv(3), { formulaColumn: 'value' }));
    expect(numeric.problems[0].message).toBe('--formula-column "value" holds numbers, not chemical formulas.');
  });

  it('long format: points without an ID or x are named', async () => {
    const e = await importProblems(importText('long.csv', 'id,t,y\nA,1,2\nA,,3\n,2,4\nB,1,1\n', { long: parseLongSpec('id,t,y') }));
    expect(e.problems.map((p) => [p.location?.row, p.location?.column, p.message])).toEqual([
      [4, 'id', '1 row of the long format has no id: row 4.'],
      [3, 't', '1 row of the long format has no t: row 3.'],
    ]);
    const textY = await importProblems(importText('long2.csv', 'id,t,y\nA,1,x\nA,2,y\n', { long: parseLongSpec('id,t,y') }));
    expect(textY.problems[0].message).toBe('--long: column "y" must hold numbers (it is the curve\'s y).');
  });

  it('unsupported extensions, missing files and bad table names', async () => {
    expect((await rejection(importText('data.json', '{}'))).code).toBe('unsupported');
    expect((await rejection(importFile(project, join(scratch.dir, 'nope.csv')))).code).toBe('not-found');
    const bad = await rejection(importText('ok.csv', numericCsv(3), { table: 'my table' }));
    expect(bad.code).toBe('bad-input');
    expect(bad.hint).toContain('"my_table"');
  });

  it('caps long problem lists', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `F${i},1${i % 2 === 0 ? ',extra' : ''}`);
    const e = await importProblems(importText('many.csv', `formula,value\n${lines.join('\n')}\n`));
    expect(e.problems).toHaveLength(11);
    expect(e.problems[10].message).toBe('5 more rows could not be read for the same kinds of reasons.');
    expect(e.message).toMatch(/^11 problems, nothing imported: \(1\) row 2: /);
    expect(e.message).toMatch(/ … and 1 more problems\.$/);
  });
});
