/**
 * The words every layer shares, defined once: the kinds of task, the head a new task of each kind gets,
 * the TensorFlow.js backends a run may ask for and the ways to fine-tune. Pure (no Node imports, no
 * registries): the API contract, and through it the renderer, import it as well as the engine.
 */

/** What a task predicts: a number (or fixed-width vector), a class, or a curve over its own x values. */
export const TASK_KINDS = ['regression', 'classification', 'sequence'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** The head registry id a task of each kind gets when it names none (the config's default `subtype`). */
export const DEFAULT_HEAD: Readonly<Record<TaskKind, string>> = { regression: 'regression', classification: 'classification', sequence: 'rnn' };

/** `auto` tries the native TensorFlow bindings, then WebAssembly, then the pure-JS cpu backend (model/backend.ts). */
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendRequest = (typeof BACKENDS)[number];

/** full: every weight trains; freeze: the encoder is frozen, heads train; lora: low-rank adapters on the encoder. */
export const FINE_TUNE_METHODS = ['full', 'freeze', 'lora'] as const;
export type FineTuneMethod = (typeof FINE_TUNE_METHODS)[number];

/**
 * The learning rate of an optimiser group that names none. `config`: a YAML run config's, the seed's
 * OptimizerConfig default. `project`: the Train page's and `crucible train --project`'s, lower because there
 * one rate drives every group, the encoder included.
 */
export const DEFAULT_LEARNING_RATE = { config: 5e-3, project: 1e-3 } as const;

/**
 * An ensemble's per-row uncertainty of a regression task, in the order every table writes them: the members'
 * spread and the conformal interval's bounds, as columns `<task>_std`, `<task>_lo`, `<task>_hi`.
 */
export const UNCERTAINTY_PARTS = ['std', 'lo', 'hi'] as const;
export type UncertaintyPart = (typeof UNCERTAINTY_PARTS)[number];

/**
 * The applicability-domain columns every prediction table writes: `<task>_in_domain` (true, false, empty where
 * the row got no prediction) per task, then one `domain_note` saying why a row lies outside (unseen elements,
 * or far from the training data).
 */
export const DOMAIN_COLUMNS = { flagSuffix: 'in_domain', note: 'domain_note' } as const;
