/** Registry of composition featurizers by id, and a one-call convenience for featurizing formulas. */
import { CrucibleError } from '../../errors';
import { ElementStatsFeaturizer } from './element-stats-featurizer';
import type { FeaturizeFailure, Featurizer } from './featurizer';

export type { FeaturizeFailure, Featurizer } from './featurizer';

/** Each featurizer: id → the element table it summarises (resources/elements) and where that comes from. */
const REGISTRY = {
  magpie: ['magpie_elementdata_matminer.csv', 'Magpie elemental properties from matminer (Ward et al. 2016)'],
  crabnet_magpie: ['crabnet_magpie.csv', 'Magpie elemental properties, CrabNet subset (Ward et al. 2016)'],
  oliynyk: ['crabnet_oliynyk.csv', 'Oliynyk elemental properties via CrabNet (Oliynyk et al. 2016)'],
  mat2vec: ['crabnet_mat2vec.csv', 'mat2vec element word embeddings via CrabNet (Tshitoyan et al. 2019)'],
} as const satisfies Record<string, readonly [string, string]>;

export type FeaturizerId = keyof typeof REGISTRY;
export const DEFAULT_FEATURIZER: FeaturizerId = 'magpie';
export const FEATURIZER_IDS = Object.keys(REGISTRY) as FeaturizerId[];
/** The element table file (resources/elements) of each featurizer. */
export const FEATURIZER_TABLES = Object.fromEntries(Object.entries(REGISTRY).map(([id, [file]]) => [id, file])) as Record<FeaturizerId, string>;

const instances = new Map<string, Featurizer>();

function isFeaturizerId(id: string): id is FeaturizerId {
  return Object.hasOwn(REGISTRY, id);
}

/** The featurizer with this id (built once, then cached); throws CrucibleError('bad-config') for unknown ids. */
export function getFeaturizer(id: string = DEFAULT_FEATURIZER): Featurizer {
  let featurizer = instances.get(id);
  if (featurizer) return featurizer;
  if (!isFeaturizerId(id)) {
    throw new CrucibleError('bad-config', `Unknown featurizer "${id}".`, { hint: `Use one of: ${FEATURIZER_IDS.join(', ')}.` });
  }
  const [table, source] = REGISTRY[id];
  featurizer = new ElementStatsFeaturizer(id, table, source);
  instances.set(id, featurizer);
  return featurizer;
}

/** Features of a list of formulas: `values` is row-major formulas.length × featureNames.length; failed rows are NaN. */
export interface FeaturizedFormulas {
  readonly featurizer: Featurizer;
  readonly values: Float32Array;
  readonly failures: FeaturizeFailure[];
}

/** Featurizes `formulas` with the featurizer `id` into a fresh buffer. */
export function featurizeFormulas(formulas: readonly string[], id: string = DEFAULT_FEATURIZER): FeaturizedFormulas {
  const featurizer = getFeaturizer(id);
  const values = new Float32Array(formulas.length * featurizer.featureNames.length);
  const failures = featurizer.featurizeInto(formulas, values);
  return { featurizer, values, failures };
}
