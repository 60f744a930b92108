import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../../src-main/api/handlers/index';
import type { Router } from '../../../src-main/api/router';
import { Session } from '../../../src-main/api/session';
import type { RequestResult } from '../../../src-main/api/contract';
import { scratchDir, dataSet } from '../../helpers/paths';

const gaps = dataSet('matbench_expt_gap', 'expt_gap_multitask.csv');
const dos = dataSet('mp_phonon_dos', 'mp_phonon_dos.csv');

async function call<T>(router: Router, name: string, args: unknown): Promise<T> {
  const out = await router.dispatch(name, args);
  if (!out.ok) throw new Error(`${name}: ${JSON.stringify(out.error)}`);
  return out.result as T;
}

describe('data handlers', () => {
  const scratch = scratchDir();
  let router: Router;

  beforeAll(async () => {
    process.env.CRUCIBLE_CONFIG_DIR = join(scratch.dir, 'config');
    router = createRouter(new Session('web', { allowedRoots: [scratch.dir, dataSet()] }));
    await call(router, 'project:create', { dir: join(scratch.dir, 'Phonons'), name: 'Phonons' });
  });
  afterAll(() => {
    delete process.env.CRUCIBLE_CONFIG_DIR;
    scratch.cleanup();
  });

  it('previews a real file: types, missing counts, list columns and the table name it would get', async () => {
    const p = await call<RequestResult<'data:preview-file'>>(router, 'data:preview-file', { file: gaps });
    expect(p).toMatchObject({ format: 'csv', rowCount: 4921, formulaColumn: 'formula', suggestedTable: 'expt_gap_multitask', role: 'samples' });
    expect(p.columns).toEqual([
      { name: 'formula', type: 'VARCHAR', kind: 'text', missing: 0 },
      { name: 'band_gap_eV', type: 'DOUBLE', kind: 'number', missing: 317 },
      { name: 'is_metal', type: 'BIGINT', kind: 'number', missing: 0 },
    ]);
    expect(p.rows[0]).toEqual({ formula: 'Ag(AuS)2', band_gap_eV: 0, is_metal: 1 });
    const d = await call<RequestResult<'data:preview-file'>>(router, 'data:preview-file', {
      file: dos,
      options: { curves: [{ y: 'dos', x: 'frequency_grid' }] },
    });
    expect(d.columns.find((c) => c.name === 'dos')).toMatchObject({ kind: 'list', type: 'DOUBLE[]' });
    expect((d.rows[0].dos as number[]).length).toBe(51);
  });

  it('imports with a curve declaration and lists the table with its columns', async () => {
    const r = await call<RequestResult<'data:import'>>(router, 'data:import', {
      file: dos,
      table: 'phonon_dos',
      options: { curves: [{ y: 'dos', x: 'frequency_grid' }] },
    });
    expect(r.imported).toBe(true);
    if (!r.imported) return;
    expect(r.table).toMatchObject({ name: 'phonon_dos', rowCount: 1602, formulaColumn: 'formula', curves: [{ y: 'dos', x: 'frequency_grid' }] });
    expect(r.problems.some((p) => p.severity === 'warning' && p.message.includes('formulas appear on several rows'))).toBe(true);
    const { tables } = await call<RequestResult<'data:tables'>>(router, 'data:tables', {});
    expect(tables.map((t) => t.name)).toEqual(['phonon_dos']);
    expect(tables[0].columns.find((c) => c.name === 'frequency_grid')?.kind).toBe('list');
    const preview = await call<RequestResult<'data:preview-table'>>(router, 'data:preview-table', { table: 'phonon_dos', rows: 3 });
    expect(preview.rows).toHaveLength(3);
    expect(preview.columns.find((c) => c.name === 'volume_per_atom')).toMatchObject({ kind: 'number', missing: 0 });
  });

  it('returns a refused file with its problems located by row and column, and imports nothing', async () => {
    const broken = join(scratch.dir, 'broken.csv');
    writeFileSync(broken, 'formula,dos,grid\nNaCl,"[1, 2]","[0, 1]"\nKCl,"[1, 2, 3]","[0, 1]"\n');
    const r = await call<RequestResult<'data:import'>>(router, 'data:import', {
      file: broken,
      table: 'broken',
      options: { curves: [{ y: 'dos', x: 'grid' }] },
    });
    expect(r.imported).toBe(false);
    const error = r.problems.find((p) => p.severity === 'error');
    expect(error?.location).toMatchObject({ row: 3 });
    const { tables } = await call<RequestResult<'data:tables'>>(router, 'data:tables', {});
    expect(tables.map((t) => t.name)).toEqual(['phonon_dos']);
  });

  it('refuses files outside the allowed folders', async () => {
    const out = await router.dispatch('data:preview-file', { file: '/etc/passwd' });
    expect(out).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });
});
