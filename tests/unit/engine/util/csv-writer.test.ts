import { describe, expect, it } from 'vitest';
import { DataStore } from '../../../../src-main/engine/data/store/data-store';
import { quoteLiteral } from '../../../../src-main/engine/data/store/identifiers';
import { listCell, neutralizeSql, neutralizeText, restoreText, toCsv } from '../../../../src-main/engine/util/csv-writer';

/** The probe's payloads: each would run as a formula in Excel or LibreOffice if written verbatim. */
const HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3', '\t=1', '\r=1', "'=already quoted"];
const PLAIN = ['Fe2O3', 'mp-149', '-5', '+1.5e3', '.5', "it's fine", '', 'a=b'];

describe('CSV output safe to open in a spreadsheet', () => {
  it('writes formula-like text with a leading apostrophe, numbers and plain text untouched', () => {
    for (const text of HOSTILE) expect(neutralizeText(text), text).toBe(`'${text}`);
    for (const text of PLAIN) expect(neutralizeText(text), text).toBe(text);
    const csv = toCsv(
      ['id', 'formula', 'value'],
      [
        ['=HYPERLINK("x")', 'Fe2O3', -1.5],
        ['@SUM(1+1)', '-NaCl', 2],
      ],
    );
    expect(csv).toBe(`id,formula,value\n"'=HYPERLINK(""x"")",Fe2O3,-1.5\n'@SUM(1+1),'-NaCl,2\n`);
  });

  it('reads back exactly what was given', () => {
    for (const text of [...HOSTILE, ...PLAIN, "''=x"]) expect(restoreText(neutralizeText(text)), text).toBe(text);
  });

  it('neutralises the same cells in SQL as in TypeScript (DuckDB COPY output)', async () => {
    const store = await DataStore.inMemory();
    try {
      for (const text of [...HOSTILE, ...PLAIN]) {
        expect(await store.sql.value<string>(`SELECT ${neutralizeSql(quoteLiteral(text))}`), JSON.stringify(text)).toBe(neutralizeText(text));
      }
    } finally {
      await store.close();
    }
  });

  it('keeps curves as JSON arrays', () => {
    expect(listCell([-1, 0.5, Number.NaN])).toBe('[-1, 0.5, null]');
  });
});
