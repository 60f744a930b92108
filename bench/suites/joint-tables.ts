/**
 * `npm run bench -- joint-tables [--epochs N] [--rows N]`: does one run over two labs' tables predict better
 * than a run per table? data/mp_multiproperty is cut as two labs would send it: lab A the energies above hull
 * and magnetic moments of a random 70 % of the materials, lab B the bulk and shear moduli it measured among
 * another random 70 %, its formulas written elements reversed (O3Fe2 for Fe2O3), so that only the canonical
 * formula joins them. Both carry a split column drawn per canonical formula, so every run tests each task on the
 * same materials. Three runs of one configuration follow: over [A, B] with all four tasks, over A alone, over B
 * alone; the table compares each task's test MAE. `--epochs N` caps each run (default 25: the three runs take about
 * 15 minutes on 2 cores, early stopping may end them sooner); `--rows N` draws N materials first (quick runs).
 */
import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRunConfig } from '../../src-main/engine/config/index';
import { SPLIT_NAMES, SPLIT_TEST } from '../../src-main/engine/data/dataset/types';
import { formulaKey } from '../../src-main/engine/data/formula/canonical';
import { parseFormula } from '../../src-main/engine/data/formula/parse-formula';
import { elementSymbol } from '../../src-main/engine/data/formula/periodic-table';
import type { JoinReport } from '../../src-main/engine/data/join/material-union';
import { loadRunData } from '../../src-main/engine/data/load-run-data';
import { runInWorker } from '../../src-main/engine/jobs/run-in-worker';
import { packageRoot } from '../../src-main/engine/paths';
import { Rng, deriveSeed } from '../../src-main/engine/util/random';
import { numberOptions } from './options';

const SEED = 42;
const SHARE = 0.7;
const SOURCE = ['data', 'mp_multiproperty', 'mp_multiproperty.csv'];
const HEADER = 'formula,bulk_modulus_GPa,shear_modulus_GPa,elastic_anisotropy,e_above_hull_eV_atom,magnetic_moment_muB';

interface Lab {
  file: string;
  /** Source columns (by index in HEADER) and the tasks reading them. */
  columns: { index: number; task: string; name: string }[];
  /** How the lab writes a formula. */
  spell: (formula: string) => string;
}

/** The composition written elements last-to-first (Fe2O3 → O3Fe2, Ag(AuF4)2 → F8Au2Ag). */
function reversed(formula: string): string {
  const { elements, amounts } = parseFormula(formula);
  return elements
    .map((z, j) => elementSymbol(z) + (amounts[j] === 1 ? '' : String(Number(amounts[j].toPrecision(12)))))
    .reverse()
    .join('');
}

const LABS: Lab[] = [
  {
    file: 'lab_a.csv',
    columns: [
      { index: 4, task: 'e_above_hull', name: 'e_above_hull_eV_atom' },
      { index: 5, task: 'magnetic_moment', name: 'magnetic_moment_muB' },
    ],
    spell: (f) => f,
  },
  {
    file: 'lab_b.csv',
    columns: [
      { index: 1, task: 'bulk_modulus', name: 'bulk_modulus_GPa' },
      { index: 2, task: 'shear_modulus', name: 'shear_modulus_GPa' },
    ],
    spell: reversed,
  },
];

/** train / val / test at 80 / 10 / 10, by a seeded hash of the material's canonical formula. */
function splitOf(key: string): string {
  const u = deriveSeed(SEED, 'split', key) / 2 ** 32;
  return SPLIT_NAMES[u < 0.8 ? 0 : u < 0.9 ? 1 : 2];
}

/** Each lab's CSV: its share of the materials (a lab sends only rows it measured), with the split column. */
function cutTables(rows: string[][]): string[] {
  const splits = rows.map((r) => splitOf(formulaKey(r[0])));
  return LABS.map((lab) => {
    const drawn = new Rng(deriveSeed(SEED, lab.file)).permutation(rows.length).slice(0, Math.round(rows.length * SHARE));
    const lines = [...drawn]
      .sort((a, b) => a - b)
      .filter((r) => lab.columns.some((c) => rows[r][c.index] !== ''))
      .map((r) => [lab.spell(rows[r][0]), ...lab.columns.map((c) => rows[r][c.index]), splits[r]].join(','));
    return [['formula', ...lab.columns.map((c) => c.name), 'split'].join(','), ...lines, ''].join('\n');
  });
}

interface RunResult {
  mae: Record<string, number>;
  testRows: Record<string, number>;
  join?: JoinReport;
}

async function train(name: string, files: string[], labs: Lab[], epochs: number, dir: string): Promise<RunResult> {
  const config = resolveRunConfig(
    {
      seed_everything: SEED,
      model: {
        init_args: {
          shared_block_dims: ['auto', 256, 128],
          task_configs: labs.flatMap((l) => l.columns.map((c) => ({ name: c.task, type: 'REGRESSION', data_column: c.name }))),
        },
      },
      data: { init_args: { attributes_source: files.length === 1 ? files[0] : files, formula_column: 'formula', featurizer: 'magpie' } },
      trainer: { max_epochs: epochs },
    },
    { baseDir: dir },
  );
  const start = performance.now();
  const data = await loadRunData(config);
  const { set } = data;
  const summary = await runInWorker('train', { config, data, runDir: join(dir, name) }, () => {});
  const tasks = summary.metrics?.tasks ?? {};
  const testRows = Object.fromEntries(set.tasks.map((t) => [t.name, t.valid.reduce((n, v, r) => n + (v && set.split[r] === SPLIT_TEST ? 1 : 0), 0)]));
  console.log(
    `  ${name}: ${set.n} materials, best epoch ${summary.bestEpoch} of ${summary.epochsRun} in ${((performance.now() - start) / 1000).toFixed(0)} s; test MAE ${set.tasks.map((t) => `${t.name} ${tasks[t.name]?.test.mae?.toPrecision(4)} (${testRows[t.name]} rows)`).join(', ')}`,
  );
  return { mae: Object.fromEntries(Object.entries(tasks).map(([t, m]) => [t, m.test.mae ?? NaN])), testRows, ...(data.join && { join: data.join }) };
}

export async function benchJointTables(args: string[]): Promise<Record<string, unknown>> {
  const opts = numberOptions(args, { epochs: 25, rows: Infinity });
  const [header, ...lines] = (await readFile(join(packageRoot(), ...SOURCE), 'utf8')).trim().split('\n');
  if (header.trim() !== HEADER) throw new Error(`${SOURCE.join('/')} has columns ${header}, expected ${HEADER}`);
  let rows = lines.map((l) => l.trim().split(','));
  if (opts.rows < rows.length) {
    const kept = new Rng(deriveSeed(SEED, 'rows')).permutation(rows.length).slice(0, opts.rows).sort();
    rows = Array.from(kept, (r) => rows[r]);
  }
  const dir = await mkdtemp(join(tmpdir(), 'crucible-bench-joint-'));
  try {
    const files = LABS.map((l) => join(dir, l.file));
    const tables = cutTables(rows);
    await Promise.all(files.map((f, i) => writeFile(f, tables[i])));
    console.log(
      `joint-tables: ${rows.length} materials of ${SOURCE.at(-1)}; ${LABS.map((l, i) => `${l.file} ${tables[i].split('\n').length - 2} rows`).join(', ')}; ${opts.epochs} epochs at most`,
    );
    const joint = await train('joint', files, LABS, opts.epochs, dir);
    // One run at a time: each already uses every core it gets.
    const separate: RunResult[] = [];
    for (const [i, lab] of LABS.entries()) separate.push(await train(lab.file.replace('.csv', ''), [files[i]], [lab], opts.epochs, dir));

    const table: Record<string, { joint: number; separate: number; ratio: number; test_rows: number }> = {};
    const printed = [['task', 'test rows', 'test MAE joint', 'test MAE separate', 'ratio']];
    for (const [i, lab] of LABS.entries()) {
      for (const { task } of lab.columns) {
        const entry = {
          joint: joint.mae[task],
          separate: separate[i].mae[task],
          ratio: joint.mae[task] / separate[i].mae[task],
          test_rows: joint.testRows[task],
        };
        table[task] = entry;
        const rowsShown = entry.test_rows === separate[i].testRows[task] ? String(entry.test_rows) : `${entry.test_rows} / ${separate[i].testRows[task]}`;
        printed.push([task, rowsShown, entry.joint.toPrecision(4), entry.separate.toPrecision(4), entry.ratio.toFixed(3)]);
      }
    }
    const widths = printed[0].map((_, c) => Math.max(...printed.map((r) => r[c].length)));
    for (const r of printed) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
    console.log('ratio = joint / separate; below 1 the joint run is better');
    const report = joint.join!;
    const sources = report.sources.map((s) => ({ source: s.source, rows: s.rows, materials: s.keys, shared: s.sharedKeys }));
    console.log(
      `join: ${report.materials} materials; ${sources.map((s) => `${s.source} ${s.rows} rows, ${s.materials} materials, ${s.shared} shared`).join('; ')}; ${report.splitDisagreements} split disagreements`,
    );
    return {
      materials: rows.length,
      epochs: opts.epochs,
      tasks: table,
      join: { materials: report.materials, split_disagreements: report.splitDisagreements, sources },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
