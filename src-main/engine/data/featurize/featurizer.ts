/** The contract of a composition featurizer: formulas in, a dense row-major Float32 feature matrix out. */
import type { ImputedProperty } from './impute';

/** A row that could not be featurized; its features are NaN. */
export interface FeaturizeFailure {
  /** 0-based index into the formulas passed in. */
  readonly index: number;
  /** Why, quoting the formula (e.g. a parse error with its character position, or an element the table lacks). */
  readonly reason: string;
  /** What the user can do about it. */
  readonly hint?: string;
}

export interface Featurizer {
  /** Registry id, also the prefix of every feature name (`magpie`). */
  readonly id: string;
  /** What the features are, where the table comes from, and how missing values are imputed. */
  readonly description: string;
  /** Stable column names, e.g. `magpie:stoich:n_elements`, `magpie:mean:MeltingT`; length d. */
  readonly featureNames: readonly string[];
  /** File name of the element table in resources/elements. */
  readonly tableFile: string;
  /** sha-256 of the element table file. */
  readonly tableSha256: string;
  /** The properties whose missing element values were filled with medians. */
  readonly imputed: readonly ImputedProperty[];
  /**
   * Featurizes `formulas` into `out` (row-major, row i at `out[i * d]`, d = featureNames.length; at least
   * formulas.length × d long), without allocating per row. Rows that fail are filled with NaN and reported;
   * a null or undefined formula fails as empty.
   */
  featurizeInto(formulas: ArrayLike<string | null | undefined>, out: Float32Array): FeaturizeFailure[];
}
