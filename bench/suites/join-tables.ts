/**
 * `npm run bench -- join-tables [--rows N]`: joining five attribute tables (default 200k rows each) into one row
 * per material. The tables are generated, seeded: 2–4 element compositions drawn from one pool of materials
 * (so the tables partly overlap), each table spelling formulas its own way (as written, elements reversed,
 * integer multiples such as Fe4O6, fractions such as Fe0.4O0.6, explicit 1s), with a few repeated rows. Timed
 * apart: importing the five files into one in-memory store (which computes and stores the material keys), the
 * union over them, and the whole run loading path (import, join, Magpie features, assembly) from a config.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRunConfig } from '../../src-main/engine/config/index';
import { importIntoStore } from '../../src-main/engine/data/import/import-into-store';
import { buildMaterialUnion, type JoinSource } from '../../src-main/engine/data/join/material-union';
import { loadRunData } from '../../src-main/engine/data/load-run-data';
import { DataStore } from '../../src-main/engine/data/store/data-store';
import { Rng, deriveSeed } from '../../src-main/engine/util/random';
import { numberOptions } from './options';

const SEED = 7;
/** Materials in the pool per table row: each table draws 40 % of the pool, so most (87 %) of its materials are in other tables too. */
const POOL_PER_ROW = 2.5;
/** Share of a table's rows that repeat one of its materials (spelled another way, value a little off). */
const DUPLICATE_SHARE = 0.001;
/** Share of blank cells in a table's second property column. */
const MISSING_SHARE = 0.1;
const MAX_COUNT = 6;

const ELEMENTS = (
  'H Li Be B C N O F Na Mg Al Si P S Cl K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Rb Sr Y Zr Nb Mo Ru Rh Pd Ag Cd In Sn Sb Te I ' +
  'Cs Ba La Ce Pr Nd Sm Gd Dy Er Yb Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi'
).split(' ');

type Spelling = 'as-written' | 'reversed' | 'multiple' | 'fractional' | 'explicit-ones';
const SPELLINGS: readonly Spelling[] = ['as-written', 'reversed', 'multiple', 'fractional', 'explicit-ones'];

interface Property {
  name: string;
  mean: number;
  std: number;
}

const TABLES: { name: string; spelling: Spelling; properties: Property[] }[] = [
  {
    name: 'lab_a',
    spelling: 'as-written',
    properties: [
      { name: 'band_gap_eV', mean: 2, std: 1.5 },
      { name: 'formation_energy_eV_atom', mean: -1.2, std: 0.8 },
    ],
  },
  { name: 'lab_b', spelling: 'reversed', properties: [{ name: 'bulk_modulus_GPa', mean: 120, std: 60 }] },
  {
    name: 'lab_c',
    spelling: 'multiple',
    properties: [
      { name: 'density_g_cm3', mean: 6, std: 2 },
      { name: 'volume_A3', mean: 40, std: 15 },
    ],
  },
  { name: 'lab_d', spelling: 'fractional', properties: [{ name: 'thermal_conductivity_W_mK', mean: 10, std: 4 }] },
  {
    name: 'lab_e',
    spelling: 'explicit-ones',
    properties: [
      { name: 'seebeck_uV_K', mean: 150, std: 80 },
      { name: 'hardness_GPa', mean: 8, std: 4 },
    ],
  },
];

interface Material {
  elements: string[];
  counts: number[];
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** `n` distinct compositions, counts reduced (so no two are one material), elements in the order drawn. */
function materialPool(n: number, rng: Rng): Material[] {
  const seen = new Set<string>();
  const pool: Material[] = [];
  while (pool.length < n) {
    const size = 2 + rng.int(3);
    const picked = new Set<number>();
    while (picked.size < size) picked.add(rng.int(ELEMENTS.length));
    const order = [...picked];
    const raw = order.map(() => 1 + rng.int(MAX_COUNT));
    const divisor = raw.reduce(gcd);
    const counts = raw.map((c) => c / divisor);
    const key = order
      .map((e, j) => [e, counts[j]])
      .sort((a, b) => a[0] - b[0])
      .join(';');
    if (seen.has(key)) continue;
    seen.add(key);
    pool.push({ elements: order.map((e) => ELEMENTS[e]), counts });
  }
  return pool;
}

function spell(m: Material, spelling: Spelling, rng: Rng): string {
  const write = (order: number[], amount: (j: number) => number, ones: boolean) =>
    order.map((j) => m.elements[j] + (amount(j) === 1 && !ones ? '' : String(amount(j)))).join('');
  const natural = m.elements.map((_, j) => j);
  switch (spelling) {
    case 'as-written':
      return write(natural, (j) => m.counts[j], false);
    case 'reversed':
      return write(natural.reverse(), (j) => m.counts[j], false);
    case 'multiple': {
      const k = 2 + rng.int(3);
      return write(natural, (j) => m.counts[j] * k, false);
    }
    case 'fractional': {
      const total = m.counts.reduce((a, b) => a + b, 0);
      return write(natural, (j) => Number((m.counts[j] / total).toPrecision(10)), false);
    }
    case 'explicit-ones':
      return write(rng.shuffle(natural), (j) => m.counts[j], true);
  }
}

const cell = (v: number) => (Number.isNaN(v) ? '' : String(Number(v.toPrecision(6))));

/** One table's CSV text and the pool indices of the materials it names. */
function tableCsv(spec: (typeof TABLES)[number], pool: Material[], rows: number, seed: number): { csv: string; materials: Uint32Array } {
  const rng = new Rng(seed);
  const duplicates = Math.max(3, Math.round(rows * DUPLICATE_SHARE));
  const materials = rng.permutation(pool.length).slice(0, rows - duplicates);
  const values = spec.properties.map((p, c) =>
    Float64Array.from(materials, () => (c > 0 && rng.float() < MISSING_SHARE ? NaN : p.mean + p.std * rng.normal())),
  );
  const lines = Array.from(materials, (m, r) => [spell(pool[m], spec.spelling, rng), ...values.map((v) => cell(v[r]))].join(','));
  for (let d = 0; d < duplicates; d++) {
    const r = rng.int(materials.length);
    const spelling = SPELLINGS[rng.int(SPELLINGS.length)];
    lines.push([spell(pool[materials[r]], spelling, rng), ...values.map((v) => cell(v[r] * (1 + 0.01 * rng.normal())))].join(','));
  }
  rng.shuffle(lines);
  return { csv: [['formula', ...spec.properties.map((p) => p.name)].join(','), ...lines, ''].join('\n'), materials };
}

/** Resident and peak resident memory (the peak since the process started), in MB. */
function memory(): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  return `RSS ${mb(process.memoryUsage().rss)} MB, peak ${mb(process.resourceUsage().maxRSS * 1024)} MB`;
}

const seconds = (start: number) => (performance.now() - start) / 1000;

export async function benchJoinTables(args: string[]): Promise<Record<string, unknown>> {
  const { rows } = numberOptions(args, { rows: 200_000 });
  const dir = await mkdtemp(join(tmpdir(), 'crucible-bench-join-'));
  try {
    const pool = materialPool(Math.ceil(rows * POOL_PER_ROW), new Rng(SEED));
    const used = new Uint8Array(pool.length);
    const files: string[] = [];
    for (const [i, spec] of TABLES.entries()) {
      const { csv, materials } = tableCsv(spec, pool, rows, deriveSeed(SEED, spec.name));
      materials.forEach((m) => (used[m] = 1));
      files.push(join(dir, `${spec.name}.csv`));
      await writeFile(files[i], csv);
    }
    const drawn = used.reduce((a, b) => a + b, 0);
    console.log(
      `join-tables: ${TABLES.length} tables × ${rows} rows (${TABLES.map((t) => `${t.name} ${t.spelling}`).join(', ')}); ${drawn} distinct materials drawn`,
    );

    console.log(`  before import: ${memory()}`);
    const store = await DataStore.inMemory();
    let importSeconds: number;
    let joinSeconds: number;
    let materials: number;
    try {
      const catalog = await store.sql.value<string>('SELECT current_database()');
      const sources: JoinSource[] = [];
      let start = performance.now();
      for (const [i, spec] of TABLES.entries()) {
        const one = performance.now();
        const prepared = await importIntoStore(store, files[i], spec.name, { formulaColumn: 'formula' });
        console.log(`  import ${spec.name}.csv: ${prepared.rowCount} rows in ${seconds(one).toFixed(2)} s`);
        sources.push({
          name: spec.name,
          label: `${spec.name}.csv`,
          database: catalog,
          table: spec.name,
          formulaColumn: 'formula',
          idColumn: null,
          columns: ['formula', ...spec.properties.map((p) => p.name)],
        });
      }
      importSeconds = seconds(start);
      console.log(`  import: ${TABLES.length * rows} rows in ${importSeconds.toFixed(2)} s; ${memory()}`);

      start = performance.now();
      const union = await buildMaterialUnion(store.sql, {
        sources,
        on: 'formula',
        duplicates: 'merge',
        columns: TABLES.map((t) => ({ ref: t.properties[0].name, kind: 'regression' as const })),
        splitColumn: null,
      });
      joinSeconds = seconds(start);
      materials = union.report.materials;
      for (const s of union.report.sources) {
        console.log(
          `    ${s.source}: ${s.rows} rows, ${s.keys} materials (${s.sharedKeys} shared, ${s.duplicateKeys} on several rows), ${s.keyless.rows} without a key`,
        );
      }
      console.log(
        `  join: ${materials} materials in the union (generator drew ${drawn}) in ${joinSeconds.toFixed(2)} s = ${Math.round((TABLES.length * rows) / joinSeconds)} rows/s; ${memory()}`,
      );
    } finally {
      await store.close();
    }

    const config = resolveRunConfig(
      {
        model: {
          init_args: {
            shared_block_dims: ['auto', 64],
            task_configs: TABLES.map((t) => ({ name: t.properties[0].name, type: 'REGRESSION', data_column: t.properties[0].name })),
          },
        },
        data: { init_args: { attributes_source: files, formula_column: 'formula', featurizer: 'magpie' } },
      },
      { baseDir: dir },
    );
    const start = performance.now();
    const loaded = await loadRunData(config);
    const loadSeconds = seconds(start);
    console.log(
      `  loadRunData (import, join, magpie, assemble): ${loaded.set.n} materials × ${loaded.set.featureNames.length} features in ${loadSeconds.toFixed(2)} s; ${memory()}`,
    );
    return {
      rows_per_table: rows,
      tables: TABLES.length,
      materials,
      import_s: Number(importSeconds.toFixed(2)),
      join_s: Number(joinSeconds.toFixed(2)),
      join_rows_per_s: Math.round((TABLES.length * rows) / joinSeconds),
      load_run_data_s: Number(loadSeconds.toFixed(2)),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
