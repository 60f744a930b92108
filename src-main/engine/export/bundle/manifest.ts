/**
 * manifest.json of a model bundle (format version 2), checked with zod: what the model predicts and
 * from which inputs, how it was trained and scored, and the sha-256 of every other member. Older
 * versions are upgraded on reading (UPGRADES), so every bundle Crucible ever wrote still opens.
 */
import { z } from 'zod';
import { CrucibleError } from '../../errors';
import { describeIssues } from '../../util/zod-issues';
import { memberNameProblem } from './members';

/** 2: the model may read element amounts (`input.composition`); the bundle may hold report.html and crucible_predict.py. */
export const BUNDLE_FORMAT_VERSION = 2;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lower-case sha-256 hex digest');
const StandardizerSchema = z.object({ mean: z.array(z.number()), std: z.array(z.number()) });
/** metrics.json writes NaN as null. */
const MetricValuesSchema = z.record(z.string(), z.number().nullable());

const StepsSchema = z.object({
  /** The ONNX input holding each row's x values [batch, points]. */
  input: z.string().min(1),
  /** The training data's x-grid column (a list column), or null when the grid was 0, 1, 2, …. */
  column: z.string().min(1).nullable(),
  /** The grid every training row shared, or null when the training grids varied (then the input must give the column). */
  grid: z.array(z.number()).nullable(),
});

export const ManifestTaskSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(['regression', 'classification', 'sequence']),
    /** Head type id, e.g. 'regression', 'vec', 'rnn'. */
    head: z.string().min(1),
    /** The ONNX output holding the predictions [batch, width]. */
    output: z.string().min(1),
    /** Values per row: regression outputs, class count, or the longest training curve's points. */
    width: z.number().int().positive(),
    /** The training data column of the targets. */
    column: z.string().min(1).nullable(),
    /** Unit of the predictions when known (read from the column name, e.g. band_gap_eV → eV). */
    unit: z.string().min(1).nullable(),
    /** Classification: the label of each class, in output order. */
    classes: z.array(z.string()).optional(),
    steps: StepsSchema.optional(),
    /** Ensembles: the outputs of the members' spread and of the conformal interval's bounds, and the coverage it was calibrated for. */
    uncertainty: z.object({ std: z.string().min(1), lo: z.string().min(1), hi: z.string().min(1), coverage: z.number().gt(0).lt(1) }).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.kind === 'classification' && t.classes?.length !== t.width) {
      ctx.addIssue({ code: 'custom', path: ['classes'], message: `a classification task needs ${t.width} class labels` });
    }
    if (t.kind === 'sequence' && !t.steps) ctx.addIssue({ code: 'custom', path: ['steps'], message: 'a sequence task needs its steps' });
  });

export const BundleManifestSchema = z
  .object({
    formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
    /** The model's name (the run's experiment name or folder). */
    name: z.string().min(1),
    crucibleVersion: z.string().min(1),
    createdAt: z.iso.datetime(),
    tasks: z.array(ManifestTaskSchema).min(1),
    input: z.object({
      /** The featurizer that turns formulas into the descriptors, or null when descriptors came from files. */
      featurizer: z.object({ id: z.string().min(1), tableSha256: Sha256, description: z.string() }).nullable(),
      /** The training data's formula and id columns (predict looks for columns of these names first). */
      formulaColumn: z.string().min(1).nullable(),
      idColumn: z.string().min(1).nullable(),
      descriptors: z.object({ input: z.string().min(1), columns: z.array(z.string().min(1)).min(1) }),
      /**
       * The ONNX input of element amounts [rows, elements] (any scale; each row is divided by its sum),
       * featurized inside the graph with the training element table; absent when the model reads descriptor files.
       */
      composition: z.object({ input: z.string().min(1), elements: z.array(z.string().min(1)).min(1) }).optional(),
      structure: z.object({ input: z.string().min(1), has: z.string().min(1), columns: z.array(z.string().min(1)).min(1) }).optional(),
      /** Attention models: the element-token inputs and the element table their rows come from (export/onnx/element-inputs.ts). */
      elements: z
        .object({ tokens: z.string().min(1), fractions: z.string().min(1), table: z.string().min(1), tableSha256: Sha256, width: z.number().int().positive() })
        .optional(),
    }),
    /** The standardisation fitted on the training rows; informational: the graph applies it already. */
    normalisation: z.object({
      inGraph: z.literal(true),
      features: StandardizerSchema,
      structure: StandardizerSchema.optional(),
      targets: z.record(z.string(), StandardizerSchema),
    }),
    training: z.object({
      /** The run folder's name. */
      run: z.string().min(1),
      checkpoint: z.enum(['best', 'last']),
      /** The finished epoch the checkpoint holds, from 1 (an ensemble's: its first member's). */
      epoch: z.number().int().positive(),
      /** Ensembles: the member count and their seeds; the graph averages them, weights.ckpt holds the first. */
      ensemble: z.object({ size: z.number().int().min(2), seeds: z.array(z.number().int()) }).optional(),
      /** Training data: file names (or project tables) with their sha-256 and row counts. */
      data: z.array(z.object({ source: z.string(), sha256: z.string(), rows: z.number().int().nonnegative() })),
    }),
    /** The run's metrics.json (per task val and test metrics in the user's units), when the run finished. */
    metrics: z
      .object({
        tasks: z.record(
          z.string(),
          z.object({ type: z.string(), val: MetricValuesSchema, test: MetricValuesSchema, baseline_test: MetricValuesSchema.optional() }),
        ),
        overall: z.object({ val: MetricValuesSchema, test: MetricValuesSchema }),
        best_epoch: z.number(),
        /** With per-task checkpoints: each task's own best epoch. */
        best_epochs: z.record(z.string(), z.number()).optional(),
        epochs_run: z.number(),
        stopped_early: z.string().nullable(),
      })
      .nullable(),
    /**
     * Bundles that flag predictions outside the training domain: the members holding the record and the distance
     * graph, and the graph's output. Absent in bundles exported before Crucible checked the domain.
     */
    domain: z.object({ record: z.string().min(1), model: z.string().min(1), distance: z.string().min(1) }).optional(),
    /** The run's provenance.json (versions, seeds, backend), with data paths reduced to file names. */
    provenance: z.record(z.string(), z.unknown()).nullable(),
    /** Every member except manifest.json: its sha-256 and size in bytes. */
    files: z.record(z.string(), z.object({ sha256: Sha256, bytes: z.number().int().nonnegative() })),
  })
  .superRefine((m, ctx) => {
    for (const name of Object.keys(m.files)) {
      const problem = memberNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', path: ['files', name], message: `member name ${problem}` });
    }
    for (const member of m.domain ? [m.domain.record, m.domain.model] : []) {
      if (!Object.hasOwn(m.files, member)) ctx.addIssue({ code: 'custom', path: ['domain'], message: `member "${member}" is not in the bundle` });
    }
    const outputs = new Set<string>();
    m.tasks.forEach((t, i) => {
      if (outputs.has(t.output)) ctx.addIssue({ code: 'custom', path: ['tasks', i, 'output'], message: `output "${t.output}" is used twice` });
      outputs.add(t.output);
    });
  });

export type BundleManifest = z.infer<typeof BundleManifestSchema>;
export type ManifestTask = z.infer<typeof ManifestTaskSchema>;

/**
 * Each older format version's manifest as the next version's. Version 2 only added optional fields
 * (input.composition, members report.html and crucible_predict.py): a version 1 manifest is a valid one.
 */
const UPGRADES: Record<number, (manifest: Record<string, unknown>) => Record<string, unknown>> = {
  1: (m) => ({ ...m, formatVersion: 2 }),
};

/**
 * Parses and checks manifest.json; `source` names the bundle in messages. The format version is checked
 * before the schema, so a bundle from a newer Crucible says so instead of listing unknown fields; an older
 * one is upgraded step by step to the current version first.
 */
export function parseManifest(bytes: Uint8Array, source: string): BundleManifest {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    throw new CrucibleError('bad-input', `manifest.json in ${source} is not valid JSON (${(e as Error).message}).`, {
      location: { file: source },
      hint: 'The bundle is damaged; export it again from the training run.',
    });
  }
  let version = (data as { formatVersion?: unknown } | null)?.formatVersion;
  while (typeof version === 'number' && Object.hasOwn(UPGRADES, version)) {
    data = UPGRADES[version](data as Record<string, unknown>);
    version = (data as { formatVersion: unknown }).formatVersion;
  }
  if (version !== BUNDLE_FORMAT_VERSION) {
    throw new CrucibleError(
      'unsupported-version',
      `${source} has bundle format version ${JSON.stringify(version ?? null)}; this Crucible reads versions up to ${BUNDLE_FORMAT_VERSION}.`,
      {
        location: { file: source },
        hint:
          typeof version === 'number' && version > BUNDLE_FORMAT_VERSION ? 'Update Crucible to open this bundle.' : 'Export the bundle again with Crucible.',
      },
    );
  }
  const parsed = BundleManifestSchema.safeParse(data);
  if (!parsed.success) {
    throw new CrucibleError('bad-input', `manifest.json in ${source} is not a valid bundle manifest: ${describeIssues(parsed.error)}.`, {
      location: { file: source },
      hint: 'The bundle is damaged or was edited by hand; export it again from the training run.',
    });
  }
  return parsed.data;
}
