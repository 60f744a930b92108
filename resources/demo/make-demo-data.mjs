// Writes demo-materials.csv, the demo project's one table, from the real data sets in data/
// (run from the repository root: node resources/demo/make-demo-data.mjs). See ATTRIBUTION.md.
//
// One row per formula: the experimental band gap and metal/non-metal label (Matbench expt_gap, Zhuo et al.
// 2018) outer-joined with the phonon DOS (Petretto et al. 2018). All 320 formulas with both are kept;
// the rest is a fixed, hash-ordered sample, small enough to train in about a minute on the WebAssembly backend.
// Polymorphs share a formula in the phonon data: the first row of each formula (by row_id) is kept.
import { DuckDBInstance } from '@duckdb/node-api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const shared = join(here, '..', '..', 'data');
const gaps = join(shared, 'matbench_expt_gap', 'expt_gap_multitask.csv');
const dos = join(shared, 'mp_phonon_dos', 'mp_phonon_dos.csv');
const out = join(here, 'demo-materials.csv');

const db = await (await DuckDBInstance.create(':memory:')).connect();
await db.run(`CREATE TABLE gap AS SELECT formula, band_gap_eV, is_metal FROM read_csv('${gaps}')`);
await db.run(`CREATE TABLE ph AS SELECT formula, dos, frequency_grid FROM read_csv('${dos}', types = {'dos': 'VARCHAR', 'frequency_grid': 'VARCHAR'})
  WHERE source = 'petretto2018_mp_dfpt' QUALIFY row_number() OVER (PARTITION BY formula ORDER BY row_id) = 1`);
await db.run(`CREATE TABLE joined AS SELECT formula, g.band_gap_eV, g.is_metal, p.dos, p.frequency_grid FROM gap g FULL OUTER JOIN ph p USING (formula)`);
await db.run(`COPY (
  SELECT * FROM (
    SELECT * FROM joined WHERE dos IS NOT NULL AND is_metal IS NOT NULL
    UNION ALL (SELECT * FROM joined WHERE dos IS NULL ORDER BY md5(formula) LIMIT 1200)
    UNION ALL (SELECT * FROM joined WHERE is_metal IS NULL ORDER BY md5(formula) LIMIT 400)
  ) ORDER BY md5(formula)
) TO '${out}' (HEADER, DELIMITER ',')`);
const counts = await db.runAndReadAll(`SELECT count(*) AS rows, count(band_gap_eV) AS gaps, count(is_metal) AS metal, count(dos) AS dos FROM read_csv('${out}')`);
console.log(counts.getRowObjectsJS());
