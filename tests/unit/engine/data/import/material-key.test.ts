/** Import stores each row's material key (canonical formula) once, in a hidden column no listing shows. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importFile, previewTable } from '../../../../../src-main/engine/data/import/index';
import { KEY_COLUMN } from '../../../../../src-main/engine/data/import/material-key';
import { openProject } from '../../../../../src-main/engine/project/index';
import { makeProject } from '../../../../helpers/projects';
import { scratchDir } from '../../../../helpers/paths';

describe('material keys stored at import', () => {
  const scratch = scratchDir('crucible-keys-');
  afterAll(() => scratch.cleanup());

  it('writes the canonical formula of every row beside it, hidden from tables, previews and tasks', async () => {
    const dir = await makeProject(scratch.dir, 'P.crucible');
    const file = join(scratch.dir, 'spellings.csv');
    writeFileSync(file, 'formula,y\nFe2O3,1\n O3Fe2 ,2\nFe4O6,3\nFe0.4O0.6,4\nCuSO4·5H2O,5\nnot a formula,6\n');
    await importFile(await openProject(dir), file, { table: 'spellings' });
    const project = await openProject(dir);
    const store = await project.openStore();
    try {
      const rows = await store.sql.rows<{ k: string | null }>(`SELECT "${KEY_COLUMN}" AS k FROM spellings ORDER BY rowid`);
      expect(rows.map((r) => r.k)).toEqual(['Fe2O3', 'Fe2O3', 'Fe2O3', 'Fe2O3', 'CuH10O9S', null]);
      expect((await store.table('spellings')).columns.map((c) => c.name)).toEqual(['formula', 'y']);
      const preview = await previewTable(store, 'spellings');
      expect(Object.keys(preview.rows[0])).toEqual(['formula', 'y']);
    } finally {
      await store.close();
    }
    expect(project.table('spellings')!.formulaColumn).toBe('formula');
  });
});
