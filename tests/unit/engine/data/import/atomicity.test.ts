/** A failed import leaves the project exactly as it was: the DuckDB file byte for byte, and project.json. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importFile, parseCurveSpec } from '../../../../../src-main/engine/data/import';
import { initProject, type Project } from '../../../../../src-main/engine/project';
import { reconcileTables } from '../../../../../src-main/engine/project/table-catalog';
import { scratchDir, dataSet } from '../../../../helpers/paths';
import { numericCsv, rejection, writeFile } from './helpers';

describe('all-or-nothing import', () => {
  let scratch: ReturnType<typeof scratchDir>;
  let project: Project;
  beforeAll(async () => {
    scratch = scratchDir();
    project = await initProject(join(scratch.dir, 'project'));
    await importFile(project, dataSet('matbench_glass', 'glass.csv'));
    await importFile(project, dataSet('mp_phonon_dos', 'mp_phonon_dos.csv'), { curves: parseCurveSpec('dos:frequency_grid') });
  });
  afterAll(() => scratch.cleanup());

  async function snapshot() {
    const store = await project.openStore();
    const tables = await store.listTables();
    await store.close();
    return {
      data: createHash('sha256').update(readFileSync(project.dataPath)).digest('hex'),
      projectJson: readFileSync(join(project.dir, 'project.json'), 'utf8'),
      files: readdirSync(project.dir).sort(),
      tables,
    };
  }

  it('leaves everything as before for failures while reading, while checking, when replacing and when saving', async () => {
    const before = await snapshot();
    expect(before.files).toEqual(['data.duckdb', 'models', 'project.json', 'runs']);
    const failures: [string, () => Promise<unknown>][] = [
      ['ragged rows', () => importFile(project, writeFile(scratch.dir, 'ragged.csv', 'formula,a\nFe,1\nCo,1,2\n'))],
      ['bad curve lengths', () => importFile(project, writeFile(scratch.dir, 'c.csv', 'formula,x,y\nFe,"[1,2]","[1]"\n'), { curves: parseCurveSpec('y:x') })],
      ['straggler, replacing an existing table', () => importFile(project, writeFile(scratch.dir, 'glass.csv', numericCsv(40, (i) => (i === 3 ? 'X,oops' : undefined))), { replace: true })],
      ['existing table without --replace', () => importFile(project, dataSet('matbench_glass', 'glass.csv'), { table: 'GLASS' })],
    ];
    for (const [what, run] of failures) {
      await expect(run(), what).rejects.toThrow();
      expect(await snapshot(), what).toEqual(before);
    }
  });

  it('keeps a committed table whose listing in project.json failed, says so, and lists it when the project is next opened', async () => {
    const before = await snapshot();
    const save = vi.spyOn(project, 'update').mockRejectedValueOnce(new Error('disk full'));
    await expect(importFile(project, dataSet('matbench_steels_yield', 'steels_yield.csv'))).rejects.toThrow(
      /Table "steels_yield" was stored, but project\.json could not be updated: disk full/,
    );
    save.mockRestore();
    expect(readFileSync(join(project.dir, 'project.json'), 'utf8')).toBe(before.projectJson);
    const store = await project.openStore();
    const { messages } = await reconcileTables(project, store);
    await store.close();
    expect(messages).toEqual(['Table "steels_yield" was stored but not listed (an import was interrupted); it is listed again.']);
    expect(project.table('steels_yield')).toMatchObject({ rowCount: 312, sourceFile: 'steels_yield.csv' });
  });

  it('replaces a table only when asked, matching names without regard to case', async () => {
    const existing = await rejection(importFile(project, dataSet('matbench_glass', 'glass.csv'), { table: 'Glass' }));
    expect(existing.code).toBe('already-exists');
    expect(existing.hint).toMatch(/--replace/);
    const first = project.table('glass')!;
    const replaced = await importFile(project, writeFile(scratch.dir, 'small.csv', numericCsv(5)), { table: 'glass', replace: true });
    expect(replaced.table).toMatchObject({ name: 'glass', sourceFile: 'small.csv', rowCount: 5 });
    expect(replaced.table.importedAt >= first.importedAt).toBe(true);
    expect(project.tables.map((t) => t.name)).toEqual(['mp_phonon_dos', 'steels_yield', 'glass']);
    const store = await project.openStore();
    expect((await store.table('glass')).rowCount).toBe(5);
    await store.close();
  });
});
