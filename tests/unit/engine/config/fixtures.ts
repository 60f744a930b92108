/** Helpers for the config tests: a small valid config on real data, and resolution of YAML text with errors caught. */
import { join } from 'node:path';
import { CrucibleError } from '../../../../src-main/engine/errors';
import { parseConfigText, type ConfigNotice, type LoadConfigOptions, type ResolvedRunConfig } from '../../../../src-main/engine/config';
import { repoRoot, dataSet } from '../../../helpers/paths';

export const examplesDir = join(repoRoot, 'examples');
export const exptGapCsv = dataSet('matbench_expt_gap', 'expt_gap_multitask.csv');

/**
 * A minimal config on the Matbench band-gap data: shared_block_dims on line 3, the first task's name on line 5,
 * its type on line 6, the attributes source on line 12.
 */
export const BASE = `model:
  init_args:
    shared_block_dims: [auto, 64, 32]
    task_configs:
      - name: band_gap
        type: regression
        data_column: band_gap_eV
      - name: is_metal
        type: classification
data:
  init_args:
    attributes_source: ${JSON.stringify(exptGapCsv)}
    formula_column: formula
`;

/** Resolves YAML text as if it were the file `test.yaml` in examples/ (so `data/…` paths reach the dummy data). */
export function resolveYaml(text: string, options: LoadConfigOptions = {}): ResolvedRunConfig {
  return parseConfigText(text, { baseDir: examplesDir, file: 'test.yaml', ...options });
}

/** The notices resolving `text` reports. */
export function noticesOf(text: string): ConfigNotice[] {
  const notices: ConfigNotice[] = [];
  resolveYaml(text, { onNotice: (n) => notices.push(n) });
  return notices;
}

/** The CrucibleError resolving `text` throws (fails the test when it resolves). */
export function errorOf(text: string, options: LoadConfigOptions = {}): CrucibleError {
  try {
    resolveYaml(text, options);
  } catch (e) {
    if (e instanceof CrucibleError) return e;
    throw e;
  }
  throw new Error('expected the config to be refused');
}
