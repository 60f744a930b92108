/** `npm run bench -- import`: CSV import MB/s (1M rows × 150 columns) and formulas featurized per second. */
import { benchFeaturize } from './featurize';
import { benchImport } from './import';

export async function benchImportSuite(): Promise<Record<string, unknown>> {
  const imp = await benchImport();
  console.log(
    `import: ${imp.mb.toFixed(0)} MB (${imp.rows} rows × ${imp.cols} columns) in ${imp.seconds.toFixed(2)} s = ${imp.import_mb_per_s.toFixed(1)} MB/s (target ≥ 100)`,
  );
  const feat = await benchFeaturize();
  console.log(`featurize: ${feat.n} formulas in ${feat.seconds.toFixed(3)} s = ${Math.round(feat.formulas_per_s)} formulas/s (target ≥ 200k)`);
  return { import_mb_per_s: Number(imp.import_mb_per_s.toFixed(1)), formulas_per_s: Math.round(feat.formulas_per_s) };
}
