/**
 * Benchmark: `crucible import` throughput on a generated numeric CSV (default 1M rows × 150 DOUBLE columns plus a
 * formula column, about 1 GB). Generating the file is not timed; the import into a fresh project is, in full:
 * sniffing, reading, column analysis, formula checks, hashing the source, writing project.json and closing.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile } from '../../src-main/engine/data/import';
import { DataStore } from '../../src-main/engine/data/store';
import { initProject } from '../../src-main/engine/project';

export interface ImportBenchResult {
  import_mb_per_s: number;
  mb: number;
  seconds: number;
  rows: number;
  cols: number;
}

export async function benchImport(opts: { rows?: number; cols?: number } = {}): Promise<ImportBenchResult> {
  const rows = opts.rows ?? 1_000_000;
  const cols = opts.cols ?? 150;
  const dir = mkdtempSync(join(tmpdir(), 'crucible-bench-import-'));
  try {
    const csv = join(dir, 'bench.csv');
    await writeNumericCsv(csv, rows, cols);
    const project = await initProject(join(dir, 'project'));
    const start = performance.now();
    await importFile(project, csv);
    const seconds = (performance.now() - start) / 1000;
    const mb = statSync(csv).size / 1e6;
    return { import_mb_per_s: mb / seconds, mb, seconds, rows, cols };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Random values with three decimals (DECIMAL formats much faster than DOUBLE) and distinct formulas
 * Fe{a}Co{b}Ni: the Ni count of 1 makes every composition different from every other after reduction.
 */
async function writeNumericCsv(path: string, rows: number, cols: number): Promise<void> {
  const store = await DataStore.inMemory();
  try {
    const values = Array.from({ length: cols }, (_, j) => `CAST(random() * 100 AS DECIMAL(8, 3)) AS x${j}`).join(', ');
    await store.sql.run(
      `COPY (SELECT 'Fe' || (i % 1000 + 1) || 'Co' || (i // 1000 + 1) || 'Ni' AS formula, ${values} FROM range(${rows}) r(i)) TO '${path}' (HEADER)`,
    );
  } finally {
    await store.close();
  }
  // Part of generating: the file's dirty pages are written out now, not by the kernel in the middle of the timed import.
  const handle = await open(path, 'r+');
  await handle.sync();
  await handle.close();
}
