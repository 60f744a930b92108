import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataStore, columnKind, quoteIdentifier, quoteLiteral } from '../../../../../src-main/engine/data/store';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { elementTablesDir } from '../../../../../src-main/engine/data/featurize/element-table';
import { dataSet, scratchDir } from '../../../../helpers/paths';

describe('DataStore', () => {
  let scratch: ReturnType<typeof scratchDir>;
  let store: DataStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    scratch?.cleanup();
  });

  it('quotes names and strings from users safely', async () => {
    store = await DataStore.inMemory();
    const weird = `a "quoted" name; DROP TABLE x; -- 'é'`;
    await store.sql.run(`CREATE TABLE ${quoteIdentifier(weird)} (${quoteIdentifier('col "1"')} VARCHAR)`);
    await store.sql.run(`INSERT INTO ${quoteIdentifier(weird)} VALUES (${quoteLiteral("it's")})`);
    const tables = await store.listTables();
    expect(tables).toEqual([{ name: weird, rowCount: 1, columns: [{ name: 'col "1"', type: 'VARCHAR', kind: 'text' }] }]);
    expect((await store.readColumn(weird, 'col "1"')).values).toEqual(["it's"]);
    expect(() => quoteIdentifier('a\0b')).toThrow(CrucibleError);
  });

  it('maps DuckDB types onto number, list and text kinds', () => {
    for (const t of ['DOUBLE', 'BIGINT', 'INTEGER', 'FLOAT', 'BOOLEAN', 'DECIMAL(8,3)']) expect(columnKind(t)).toBe('number');
    for (const t of ['DOUBLE[]', 'BIGINT[]', 'DOUBLE[3]']) expect(columnKind(t)).toBe('list');
    for (const t of ['VARCHAR', 'VARCHAR[]', 'DATE', 'DOUBLE[][]', 'STRUCT(a INTEGER)']) expect(columnKind(t)).toBe('text');
  });

  it('reads whole columns as typed arrays on real data, NaN and null marking missing values', async () => {
    scratch = scratchDir();
    store = await DataStore.open(join(scratch.dir, 'data.duckdb'));
    await store.sql.run(
      `CREATE TABLE dos AS SELECT formula, n_sites, volume_per_atom, CAST(dos AS DOUBLE[]) AS dos FROM read_csv(${quoteLiteral(dataSet('mp_phonon_dos', 'mp_phonon_dos.csv'))})`,
    );
    await store.sql.run(`INSERT INTO dos VALUES ('X', NULL, NULL, [1.0, NULL]), ('Y', 2, 0.5, NULL)`);
    const [info] = await store.listTables();
    expect(info.rowCount).toBe(1604);
    expect(info.columns.map((c) => `${c.name}:${c.kind}`)).toEqual(['formula:text', 'n_sites:number', 'volume_per_atom:number', 'dos:list']);

    const volume = await store.readColumn('dos', 'volume_per_atom');
    expect(volume.kind).toBe('number');
    expect(volume.values).toBeInstanceOf(Float64Array);
    expect(volume.values[0]).toBeCloseTo(42.03718, 5);
    expect(Number.isNaN(volume.values[1602] as number)).toBe(true);

    const sites = await store.readColumn('dos', 'n_sites');
    expect(sites.values).toBeInstanceOf(Float64Array);
    expect(sites.values[0]).toBe(2);

    const dos = await store.readColumn('dos', 'dos');
    if (dos.kind !== 'list') throw new Error('expected a list column');
    expect(dos.values[0]).toBeInstanceOf(Float64Array);
    expect(dos.values[0]!.length).toBe(51);
    expect(dos.values[0]![4]).toBe(1);
    expect(Array.from(dos.values[1602]!)).toEqual([1, NaN]);
    expect(dos.values[1603]).toBeNull();

    const formula = await store.readColumn('dos', 'formula');
    expect(formula.values.slice(0, 2)).toEqual(['BaTe', 'HfC']);
  });

  it('suggests the nearest table or column for a missing name', async () => {
    store = await DataStore.inMemory();
    await store.sql.run('CREATE TABLE glass (formula VARCHAR, gfa BIGINT)');
    await expect(store.readColumn('glas', 'gfa')).rejects.toThrow(/no table "glas"/);
    const e = await store.readColumn('glass', 'gf').catch((x: CrucibleError) => x);
    expect(e).toBeInstanceOf(CrucibleError);
    expect((e as CrucibleError).code).toBe('not-found');
    expect((e as CrucibleError).hint).toContain('"gfa"');
  });

  it('rolls a failed transaction back completely and commits a successful one', async () => {
    scratch = scratchDir();
    const path = join(scratch.dir, 'data.duckdb');
    store = await DataStore.open(path);
    await store.transaction(async (sql) => sql.run('CREATE TABLE kept AS SELECT 1 AS a'));
    await expect(
      store.transaction(async (sql) => {
        await sql.run('CREATE TABLE lost AS SELECT 1 AS a');
        await sql.run('INSERT INTO kept VALUES (2)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await store.listTables()).map((t) => [t.name, t.rowCount])).toEqual([['kept', 1]]);
    await store.close();
    await store.close();
    store = await DataStore.open(path);
    expect((await store.listTables()).map((t) => t.name)).toEqual(['kept']);
  });

  it('queues statements issued concurrently on one connection', async () => {
    store = await DataStore.inMemory();
    await store.sql.run(`CREATE TABLE magpie AS SELECT * FROM read_csv(${quoteLiteral(join(elementTablesDir(), 'crabnet_magpie.csv'))})`);
    const info = await store.table('magpie');
    const columns = await Promise.all(info.columns.map((c) => store!.readColumn('magpie', c.name)));
    expect(columns.map((c) => c.values.length)).toEqual(info.columns.map(() => 97));
    expect(columns[1].values[0]).toBe(1);
  });

  it('hides Crucible scratch tables from listings', async () => {
    store = await DataStore.inMemory();
    await store.sql.run('CREATE TABLE __crucible_staging_x (a INTEGER)');
    await store.sql.run('CREATE TABLE visible (a INTEGER)');
    expect((await store.listTables()).map((t) => t.name)).toEqual(['visible']);
  });
});
