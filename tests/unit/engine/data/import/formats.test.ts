/** Parquet, XLSX, TSV and decimal-comma CSV files, each written from real rows. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import writeExcelFile from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFile, parseCurveSpec, previewTable } from '../../../../../src-main/engine/data/import';
import { DataStore, quoteLiteral } from '../../../../../src-main/engine/data/store';
import { initProject, type Project } from '../../../../../src-main/engine/project';
import { scratchDir, dataSet } from '../../../../helpers/paths';
import { writeFile } from './helpers';

describe('file formats', () => {
  let scratch: ReturnType<typeof scratchDir>;
  let project: Project;
  /** A scratch in-memory database for writing fixtures. */
  let tool: DataStore;

  beforeAll(async () => {
    scratch = scratchDir();
    project = await initProject(join(scratch.dir, 'project'));
    tool = await DataStore.inMemory();
  });
  afterAll(async () => {
    await tool.close();
    scratch.cleanup();
  });

  const tableRows = async (table: string) => {
    const store = await project.openStore();
    try {
      // The rows as imported: without the material key import stores beside them (data/import/material-key.ts).
      return await store.sql.rows(`SELECT COLUMNS(c -> NOT starts_with(c, '__crucible_')) FROM ${table}`);
    } finally {
      await store.close();
    }
  };

  it('reads Parquet written by DuckDB from a real CSV, lists included, like the CSV itself', async () => {
    const csv = dataSet('mp_phonon_dos', 'mp_phonon_dos.csv');
    const parquet = join(scratch.dir, 'dos.parquet');
    await tool.sql.run(
      `COPY (SELECT * REPLACE (CAST(dos AS DOUBLE[]) AS dos, CAST(frequency_grid AS DOUBLE[]) AS frequency_grid) FROM read_csv(${quoteLiteral(csv)})) TO ${quoteLiteral(parquet)} (FORMAT parquet)`,
    );
    const fromParquet = await importFile(project, parquet, { curves: parseCurveSpec('dos:frequency_grid') });
    expect(fromParquet.table).toMatchObject({ name: 'dos', format: 'parquet', rowCount: 1602, formulaColumn: 'formula' });
    expect(fromParquet.columns.find((c) => c.name === 'dos')).toMatchObject({ type: 'DOUBLE[]', kind: 'list' });
    await importFile(project, csv, { table: 'dos_csv' });
    expect(await tableRows('dos')).toEqual(await tableRows('dos_csv'));
  });

  it('reads an XLSX workbook written from real rows, empty cells as missing', async () => {
    const rows = readFileSync(dataSet('matbench_expt_gap', 'expt_gap_multitask.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const [header, ...body] = rows;
    const xlsx = join(scratch.dir, 'Gap Data.xlsx');
    await writeExcelFile([header, ...body.map(([f, gap, metal]) => [f, gap === '' ? null : Number(gap), Number(metal)])]).toFile(xlsx);
    const result = await importFile(project, xlsx);
    expect(result.table).toMatchObject({ name: 'gap_data', format: 'xlsx', rowCount: 4921, formulaColumn: 'formula', role: 'samples' });
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['formula:VARCHAR', 'band_gap_eV:DOUBLE', 'is_metal:DOUBLE']);
    const store = await project.openStore();
    try {
      const preview = await previewTable(store, 'gap_data', { rows: 2 });
      expect(preview.columns.find((c) => c.name === 'band_gap_eV')!.missing).toBe(317);
      expect(preview.rows[0]).toEqual({ formula: body[0][0], band_gap_eV: Number(body[0][1]), is_metal: Number(body[0][2]) });
    } finally {
      await store.close();
    }
  });

  it('judges XLSX text columns like CSV ones: numbers written as text, JSON lists', async () => {
    const xlsx = join(scratch.dir, 'curves.xlsx');
    const lines = readFileSync(dataSet('vickers_hardness_load', 'hv_comp_load_curves.csv'), 'utf8').trim().split('\n').slice(0, 40);
    const cells = lines.map((l) => l.match(/("[^"]*"|[^,]+)/g)!.map((c) => c.replace(/^"|"$/g, '')));
    await writeExcelFile(cells.map((r, i) => (i === 0 ? r : [r[0], r[1], r[2], r[3]]))).toFile(xlsx);
    const result = await importFile(project, xlsx, { curves: parseCurveSpec('hardness_GPa:load_N') });
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['formula:VARCHAR', 'n_points:DOUBLE', 'load_N:DOUBLE[]', 'hardness_GPa:DOUBLE[]']);
    expect(result.table.rowCount).toBe(39);
  });

  it('reads TSV', async () => {
    const tsv = join(scratch.dir, 'glass.tsv');
    await tool.sql.run(`COPY (SELECT * FROM read_csv(${quoteLiteral(dataSet('matbench_glass', 'glass.csv'))})) TO ${quoteLiteral(tsv)} (DELIMITER '\t', HEADER)`);
    expect(readFileSync(tsv, 'utf8').split('\n')[0]).toBe('formula\tgfa');
    const result = await importFile(project, tsv, { table: 'glass_tsv' });
    expect(result.table).toMatchObject({ format: 'tsv', rowCount: 5680 });
  });

  it('reads a semicolon-separated export with decimal commas and says so', async () => {
    const lines = readFileSync(dataSet('matbench_steels_yield', 'steels_yield.csv'), 'utf8').trim().split('\n').slice(0, 31);
    const european = lines
      .map((l) => l.split(','))
      .map(([formula, strength], i) => `${formula};${i === 0 ? strength : strength.replace('.', ',')}`)
      .join('\r\n');
    const file = writeFile(scratch.dir, 'steels_eu.csv', `${european}\r\n`);
    const result = await importFile(project, file);
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['formula:VARCHAR', 'yield_strength_MPa:DOUBLE']);
    expect(result.problems.some((p) => p.severity === 'notice' && /decimal commas/.test(p.message))).toBe(true);
    const rows = await tableRows('steels_eu');
    const [formula, strength] = lines[1].split(',');
    expect(rows[0]).toEqual({ formula, yield_strength_MPa: Number(strength) });
  });

  it('reads a one-column file, blank lines inside as missing values, trailing ones dropped', async () => {
    const file = writeFile(scratch.dir, 'formulas.csv', 'formula\nFe2O3\n\nNaCl\n\n\n');
    const result = await importFile(project, file);
    expect(result.table.rowCount).toBe(3);
    expect(await tableRows('formulas')).toEqual([{ formula: 'Fe2O3' }, { formula: null }, { formula: 'NaCl' }]);
  });

  it('reads BOM, CRLF, quoted line breaks and NaN/nan/empty as missing', async () => {
    const file = writeFile(scratch.dir, 'messy.csv', '\uFEFFformula,"note",gap\r\nFe2O3,"two\r\nlines",1.5\r\nNaCl,NaN,nan\r\nKCl,,\r\n');
    const result = await importFile(project, file);
    expect(result.columns.map((c) => `${c.name}:${c.type}`)).toEqual(['formula:VARCHAR', 'note:VARCHAR', 'gap:DOUBLE']);
    expect(await tableRows('messy')).toEqual([
      { formula: 'Fe2O3', note: 'two\r\nlines', gap: 1.5 },
      { formula: 'NaCl', note: null, gap: null },
      { formula: 'KCl', note: null, gap: null },
    ]);
  });
});
