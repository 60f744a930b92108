import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CrucibleError } from '../../../../src-main/engine/errors';
import { CURRENT_FORMAT_VERSION, initProject, openProject, type TableMeta } from '../../../../src-main/engine/project';
import { DEFAULT_TRAIN_SETTINGS } from '../../../../src-main/engine/project/train-settings';
import { dosTask } from '../../../helpers/api';
import { scratchDir } from '../../../helpers/paths';

async function rejection(p: Promise<unknown>): Promise<CrucibleError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CrucibleError) return e;
    throw e;
  }
  throw new Error('expected a CrucibleError');
}

const table: TableMeta = {
  name: 'glass',
  role: 'samples',
  format: 'csv',
  sourceFile: 'glass.csv',
  sourceSha256: 'a'.repeat(64),
  rowCount: 3,
  importedAt: '2024-05-06T07:08:09.000Z',
  formulaColumn: 'formula',
  idColumn: null,
  curves: [{ y: 'dos', x: 'grid' }],
  longFormat: null,
};

describe('project workspace', () => {
  let scratch: ReturnType<typeof scratchDir>;
  afterEach(() => scratch.cleanup());

  it('init creates the layout and a current-version description named after the folder', async () => {
    scratch = scratchDir();
    const dir = join(scratch.dir, 'My project');
    const p = await initProject(dir);
    expect(readdirSync(dir).sort()).toEqual(['data.duckdb', 'models', 'project.json', 'runs']);
    const doc = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'));
    expect(doc).toMatchObject({ formatVersion: CURRENT_FORMAT_VERSION, name: 'My project', tables: [], tasks: [], defaults: {} });
    expect(Date.parse(doc.createdAt)).toBeGreaterThan(0);
    expect(p.dataPath).toBe(join(dir, 'data.duckdb'));
    expect(JSON.stringify(doc)).not.toContain(scratch.dir);
  });

  it('init uses an empty existing folder and --name, and refuses non-empty folders and projects', async () => {
    scratch = scratchDir();
    const empty = join(scratch.dir, 'empty');
    mkdirSync(empty);
    expect((await initProject(empty, { name: 'Band gaps' })).name).toBe('Band gaps');
    expect((await rejection(initProject(empty))).code).toBe('already-exists');
    const full = join(scratch.dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'notes.txt'), 'x');
    const e = await rejection(initProject(full));
    expect(e.code).toBe('already-exists');
    expect(e.message).toContain('not empty');
    expect(readdirSync(full)).toEqual(['notes.txt']);
  });

  it('round-trips the description through update and open, also after moving the folder', async () => {
    scratch = scratchDir();
    const p = await initProject(join(scratch.dir, 'a'));
    await p.update((doc) => ({
      ...doc,
      tables: [table],
      tasks: [dosTask({ table: 'glass' })],
      defaults: { training: { ...DEFAULT_TRAIN_SETTINGS, seed: 7 } },
    }));
    const moved = join(scratch.dir, 'b');
    renameSync(join(scratch.dir, 'a'), moved);
    const q = await openProject(moved);
    expect(q.description).toEqual(p.description);
    expect(q.table('glass')).toEqual(table);
    expect(q.dir).toBe(moved);
  });

  it('update validates before writing and leaves the file untouched on failure', async () => {
    scratch = scratchDir();
    const p = await initProject(join(scratch.dir, 'p'));
    const before = readFileSync(join(p.dir, 'project.json'), 'utf8');
    await expect(p.update((doc) => ({ ...doc, tables: [table, table] }))).rejects.toThrow(/duplicate table name/);
    await expect(p.update((doc) => ({ ...doc, tables: [{ ...table, rowCount: -1 }] }))).rejects.toThrow(/rowCount/);
    await expect(p.update((doc) => ({ ...doc, tasks: [dosTask(), dosTask({ name: 'Phonon_DOS' })] }))).rejects.toThrow(/duplicate task name "Phonon_DOS"/);
    await expect(p.update((doc) => ({ ...doc, tasks: [{ ...dosTask(), loss_weight: -1 }] }))).rejects.toThrow(/loss_weight/);
    expect(readFileSync(join(p.dir, 'project.json'), 'utf8')).toBe(before);
    expect(p.tables).toEqual([]);
    expect(readdirSync(p.dir).sort()).toEqual(['data.duckdb', 'models', 'project.json', 'runs']);
  });

  it('open reports missing folders, non-projects, invalid JSON, invalid fields and newer versions', async () => {
    scratch = scratchDir();
    expect((await rejection(openProject(join(scratch.dir, 'nope')))).code).toBe('not-found');

    const plain = join(scratch.dir, 'plain');
    mkdirSync(plain);
    const notProject = await rejection(openProject(plain));
    expect(notProject.code).toBe('not-a-project');
    expect(notProject.describe()).toMatch(/crucible init/);

    const p = await initProject(join(scratch.dir, 'p'));
    const file = join(p.dir, 'project.json');
    writeFileSync(file, '{"formatVersion": 1,');
    const invalidJson = await rejection(openProject(p.dir));
    expect(invalidJson.code).toBe('invalid-project');
    expect(invalidJson.message).toMatch(/not valid JSON/);

    writeFileSync(file, JSON.stringify({ formatVersion: 1, name: 'p', createdAt: 'yesterday', tables: [], tasks: [], defaults: {} }));
    const invalid = await rejection(openProject(p.dir));
    expect(invalid.code).toBe('invalid-project');
    expect(invalid.message).toContain('createdAt');

    writeFileSync(file, JSON.stringify({ formatVersion: CURRENT_FORMAT_VERSION + 1, name: 'p' }));
    const newer = await rejection(openProject(p.dir));
    expect(newer.code).toBe('unsupported-version');
    expect(newer.message).toMatch(new RegExp(`version ${CURRENT_FORMAT_VERSION + 1}.*up to ${CURRENT_FORMAT_VERSION}`));
  });

  it('open refuses a project whose tables lost their database file', async () => {
    scratch = scratchDir();
    const p = await initProject(join(scratch.dir, 'p'));
    await p.update((doc) => ({ ...doc, tables: [table] }));
    rmSync(p.dataPath);
    const e = await rejection(openProject(p.dir));
    expect(e.code).toBe('invalid-project');
    expect(e.message).toContain('data.duckdb is missing');
  });
});
