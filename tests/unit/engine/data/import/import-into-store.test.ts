import { afterEach, describe, expect, it } from 'vitest';
import { importIntoStore } from '../../../../../src-main/engine/data/import/import-into-store';
import { ImportProblemsError } from '../../../../../src-main/engine/data/import';
import { DataStore } from '../../../../../src-main/engine/data/store';
import { scratchDir, dataSet } from '../../../../helpers/paths';
import { writeFile } from './helpers';

describe('importIntoStore', () => {
  let store: DataStore | undefined;
  let scratch: ReturnType<typeof scratchDir> | undefined;
  afterEach(async () => {
    await store?.close();
    scratch?.cleanup();
  });

  it('loads a file into any store with the import checks, all or nothing', async () => {
    store = await DataStore.inMemory();
    const prepared = await importIntoStore(store, dataSet('matbench_steels_yield', 'steels_yield.csv'), 'attributes');
    expect(prepared).toMatchObject({ rowCount: 312, formulaColumn: 'formula', role: 'samples' });
    expect((await store.table('attributes')).columns.map((c) => c.type)).toEqual(['VARCHAR', 'DOUBLE']);

    scratch = scratchDir();
    const bad = writeFile(scratch.dir, 'bad.csv', 'formula,a\nFe,1\nCo,1,2\n');
    await expect(importIntoStore(store, bad, 'other')).rejects.toBeInstanceOf(ImportProblemsError);
    expect((await store.listTables()).map((t) => t.name)).toEqual(['attributes']);
    await expect(importIntoStore(store, `${scratch.dir}/missing.csv`, 'x')).rejects.toThrow(/does not exist/);
  });
});
