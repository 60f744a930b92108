/** A real high-resolution spectrum, 200,000 points in one cell (about 3.7 MB a row), imports as a curve. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_ROW_BYTES } from '../../../../../src-main/engine/data/import/csv-importer';
import { importIntoStore } from '../../../../../src-main/engine/data/import/import-into-store';
import { DataStore } from '../../../../../src-main/engine/data/store/data-store';
import { scratchDir } from '../../../../helpers/paths';

describe('large cells', () => {
  const scratch = scratchDir('crucible-large-cells-');
  afterAll(() => scratch.cleanup());

  it('imports rows of several MB (bounded at 64 MiB a row) with their curves whole', async () => {
    const n = 200_000;
    const y = Array.from({ length: n }, (_, i) => (Math.sin(i / 100) + 1.234567).toFixed(6)).join(',');
    const x = Array.from({ length: n }, (_, i) => (i * 0.01).toFixed(4)).join(',');
    const file = join(scratch.dir, 'spectra.csv');
    writeFileSync(file, `formula,spectrum,energy\nSi,"[${y}]","[${x}]"\nGe,"[${y}]","[${x}]"\n`);
    expect(y.length + x.length).toBeGreaterThan(3_000_000);
    expect(MAX_ROW_BYTES).toBe(64 * 1024 * 1024);
    const store = await DataStore.inMemory();
    try {
      const prepared = await importIntoStore(store, file, 'spectra');
      expect(prepared.rowCount).toBe(2);
      expect((await store.table('spectra')).columns.map((c) => c.kind)).toEqual(['text', 'list', 'list']);
      const spectrum = await store.readColumn('spectra', 'spectrum');
      expect(spectrum.kind === 'list' && spectrum.values[1]!.length).toBe(n);
    } finally {
      await store.close();
    }
  });
});
