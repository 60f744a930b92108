/**
 * A training run's checkpoint as bundle contents in memory: the model rebuilt from the checkpoint and
 * exported to ONNX (featurizing formulas in the graph when the training element table is still the one
 * shipped), the manifest (tasks, inputs, normalisation, metrics, provenance, checksums), the model card,
 * the Python helper, the run's HTML report, the model-only checkpoint for fine-tuning and the run's configuration.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseConfigText, type ResolvedRunConfig, type ResolvedTask } from '../../config/index';
import type { TaskData } from '../../data/dataset/types';
import { getFeaturizer, type Featurizer } from '../../data/featurize/index';
import { loadRunData } from '../../data/load-run-data';
import { CrucibleError, isCrucibleError } from '../../errors';
import { initBackend } from '../../model/backend';
import { MultiTaskModel } from '../../model/model';
import type { Project } from '../../project/project';
import { runReport } from '../../report/index';
import { describeIssues } from '../../util/zod-issues';
import { crucibleVersion } from '../../paths';
import { encodeCheckpoint } from '../../train/checkpoint-file';
import { readCheckpointFile, restoreSession, type CheckpointHeader } from '../../train/training-state';
import { readEnsembleRecord, trainingSetSteps, type EnsembleRecord, type StepsLookup } from '../../run-folder/index';
import { readDomain, type Domain } from '../../run-folder/domain';
import { sha256 } from '../../util/hash';
import { unitFromColumn } from '../../util/quantities';
import { compositionTable, type CompositionTable } from '../onnx/composition-graph';
import { DOMAIN_DISTANCE_OUTPUT, exportDomainGraph } from '../onnx/domain-graph';
import { elementInputs } from '../onnx/element-inputs';
import { exportModelToOnnx } from '../onnx/export-model';
import { onnxIo } from '../onnx/io-names';
import { BUNDLE_FORMAT_VERSION, BundleManifestSchema, type BundleManifest, type ManifestTask } from './manifest';
import { MEMBERS } from './members';
import { modelCard } from './model-card';
import { pythonHelper } from './python-helper';

export interface BundleFromRunOptions {
  /** Which checkpoint: 'best' (default, the epoch the checkpoint monitor chose) or 'last'. */
  checkpoint?: 'best' | 'last';
  /** The model's name; default: the run's experiment name, else the run folder's name. */
  name?: string;
  /** The project whose tables the run trained on (needed to read a sequence task's training grid from a table). */
  project?: Project;
  /** The bundle's file name, as the model card's Python example opens it; default `<name>.crucible`. */
  fileName?: string;
  /** Receives remarks worth showing (e.g. a training grid that could not be read). */
  onNotice?: (message: string) => void;
}

/** A bundle before zipping: the manifest (with checksums) and every other member by name. */
export interface BundleContents {
  manifest: BundleManifest;
  members: Map<string, Uint8Array>;
}

async function readJson(file: string): Promise<Record<string, unknown> | null> {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new CrucibleError('bad-input', `${file} is not valid JSON (${(e as Error).message}).`, { location: { file } });
  }
}

/** The grid every row of a sequence task shares, or null when rows differ. */
function sharedGrid(task: TaskData): number[] | null {
  const { steps, lengths, width } = task;
  if (!steps || !lengths) return null;
  let first = -1;
  for (let r = 0; r < lengths.length; r++) {
    if (lengths[r] === 0) continue;
    if (first < 0) {
      first = r;
      continue;
    }
    if (lengths[r] !== lengths[first]) return null;
    for (let k = 0; k < lengths[r]; k++) if (steps[r * width + k] !== steps[first * width + k]) return null;
  }
  return first < 0 ? null : Array.from(steps.subarray(first * width, first * width + lengths[first]));
}

/**
 * Per sequence task, the x-grid every training row shared (0, 1, 2, … without a steps column), or null, and each
 * curve's own x values for the report. Reading a steps column means loading the training data again (once, for
 * both); when that fails the grid is unknown and prediction will need the column, which `onNotice` explains.
 */
async function trainingGrids(
  cfg: ResolvedRunConfig,
  widths: Map<string, number>,
  opts: BundleFromRunOptions,
): Promise<{ grids: Map<string, number[] | null>; steps?: StepsLookup }> {
  const grids = new Map<string, number[] | null>();
  const withColumn = cfg.tasks.filter((t) => t.enabled && t.kind === 'sequence' && t.stepsColumn !== null);
  for (const t of cfg.tasks) {
    if (t.enabled && t.kind === 'sequence' && t.stepsColumn === null)
      grids.set(
        t.name,
        Array.from({ length: widths.get(t.name)! }, (_, i) => i),
      );
  }
  if (withColumn.length === 0) return { grids };
  try {
    const data = await loadRunData(cfg, { project: opts.project });
    for (const t of withColumn) {
      const grid = sharedGrid(data.set.tasks.find((d) => d.name === t.name)!);
      grids.set(t.name, grid);
      if (!grid)
        opts.onNotice?.(`Task "${t.name}" was trained on curves with different x-grids: predicting it will need column "${t.stepsColumn}" in the input.`);
    }
    return { grids, steps: trainingSetSteps(data.set) };
  } catch (e) {
    if (!isCrucibleError(e)) throw e;
    for (const t of withColumn) grids.set(t.name, null);
    opts.onNotice?.(
      `The training data could not be read to record the x-grid of ${withColumn.map((t) => `"${t.name}"`).join(', ')} (${e.message}); predicting will need the steps column in the input.`,
    );
    return { grids };
  }
}

/** The run's provenance without machine names or folder paths, which a shared bundle has no use for. */
function shareableProvenance(provenance: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!provenance) return null;
  const { machine, data, ...rest } = provenance as { machine?: { platform?: string; cpus?: number }; data?: Array<{ source: string }> };
  return {
    ...rest,
    ...(machine ? { machine: { platform: machine.platform, cpus: machine.cpus } } : {}),
    ...(data ? { data: data.map((d) => ({ ...d, source: basename(d.source) })) } : {}),
  };
}

/**
 * The featurizer of the training run when formulas can be featurized in the graph: the table shipped now
 * must be the one the model was trained on (else the bundle reads descriptors only, and says why).
 */
function trainingFeaturizer(header: CheckpointHeader, opts: BundleFromRunOptions): Featurizer | undefined {
  if (!header.featurizer) return undefined;
  const featurizer = getFeaturizer(header.featurizer.id);
  if (featurizer.tableSha256 === header.featurizer.tableSha256) return featurizer;
  opts.onNotice?.(
    `The ${featurizer.id} element table changed since training (sha-256 ${header.featurizer.tableSha256.slice(0, 12)}… then, ${featurizer.tableSha256.slice(0, 12)}… now): the bundle records the training table, and its model reads descriptors only, not formulas.`,
  );
  return undefined;
}

function checkpointPath(runDir: string, kind: 'best' | 'last'): string {
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) {
    throw new CrucibleError('not-found', `Run folder ${runDir} does not exist.`, {
      hint: 'Give the folder `crucible train` wrote (it holds config.yaml and checkpoints/).',
    });
  }
  if (!existsSync(join(runDir, 'config.yaml'))) {
    throw new CrucibleError('bad-input', `${runDir} is not a training run folder: it has no config.yaml.`, { hint: 'Give the folder `crucible train` wrote.' });
  }
  const path = join(runDir, 'checkpoints', `${kind}.ckpt`);
  if (!existsSync(path)) {
    throw new CrucibleError('not-found', `Run ${basename(runDir)} has no ${kind} checkpoint (checkpoints/${kind}.ckpt).`, {
      hint: kind === 'best' ? 'The run stopped before its first epoch ended; resume it with `crucible train --resume`.' : 'Use the best checkpoint instead.',
    });
  }
  return path;
}

/**
 * The run's applicability domain (an ensemble's: its first member's, trained on the same rows), or null for a run
 * trained before Crucible recorded one, or whose descriptors it does not describe; `onNotice` says so.
 */
async function runDomain(dir: string, header: CheckpointHeader, opts: BundleFromRunOptions): Promise<Domain | null> {
  const domain = await readDomain(dir);
  if (domain && domain.record.features.join('\n') === header.scaling.features.names.join('\n')) return domain;
  opts.onNotice?.(
    domain
      ? `The run's ${MEMBERS.domain} describes other descriptors than its model reads: the bundle cannot flag predictions outside the training domain.`
      : `The run has no ${MEMBERS.domain} (it was trained before Crucible recorded one): the bundle cannot flag predictions outside the training domain.`,
  );
  return null;
}

type CheckpointContents = { header: CheckpointHeader; blobs: Record<string, Float32Array> };

/** The ONNX bytes of the checkpoints' model, or of their ensemble (input scaling and output un-scaling inside the graph). */
async function onnxOf(checkpoints: readonly CheckpointContents[], composition?: CompositionTable, ensemble?: EnsembleRecord | null): Promise<Uint8Array> {
  const { header } = checkpoints[0];
  await initBackend('auto');
  const models = checkpoints.map((contents) => {
    const model = new MultiTaskModel(contents.header.modelSpec, 0);
    restoreSession(contents, model);
    return model;
  });
  try {
    return exportModelToOnnx(models, {
      scaling: header.scaling,
      featurizer: header.featurizer ?? { id: 'none', tableSha256: '' },
      classes: header.classes,
      composition,
      intervals: ensemble?.calibration,
    });
  } finally {
    for (const model of models) model.dispose();
  }
}

/**
 * The unit the run's config states for a task; a config that states none (a run from before units, a YAML file without
 * `unit:`) gets the unit its column name proposes, and the export says so rather than guessing silently.
 */
function taskUnit(task: string, config: ResolvedTask | undefined, opts: BundleFromRunOptions): string | null {
  if (config?.unit !== undefined) return config.unit;
  const proposed = unitFromColumn(config?.column);
  if (proposed !== null)
    opts.onNotice?.(
      `Task "${task}": its run states no unit; the bundle records "${proposed}", proposed by column "${config!.column}". Confirm units on the Tasks page, or with \`unit:\` in the task's config.`,
    );
  return proposed;
}

export async function bundleFromRun(runDirIn: string, opts: BundleFromRunOptions = {}): Promise<BundleContents> {
  const runDir = resolve(runDirIn);
  const kind = opts.checkpoint ?? 'best';
  const ensemble = await readEnsembleRecord(runDir);
  // An ensemble's checkpoints are its members'; the first one's header and weights stand for the bundle's training and fine-tuning.
  const checkpoints = await Promise.all(
    (ensemble ? ensemble.members.map((m) => join(runDir, m.dir)) : [runDir]).map((dir) => readCheckpointFile(checkpointPath(dir, kind))),
  );
  const contents = checkpoints[0];
  const { header } = contents;
  const configText = await readFile(join(runDir, 'config.yaml'), 'utf8');
  const cfg = parseConfigText(configText, { baseDir: runDir, file: join(runDir, 'config.yaml') });
  const metrics = await readJson(join(runDir, 'metrics.json'));
  const provenance = await readJson(join(runDir, 'provenance.json'));
  const spec = header.modelSpec;
  const featurizer = trainingFeaturizer(header, opts);
  // Element-token models read formulas as tokens; amounts featurized in the graph would not feed their tokens.
  const composition = featurizer && !spec.encoder.elements ? compositionTable(featurizer) : undefined;
  const onnx = await onnxOf(checkpoints, composition, ensemble);
  const domain = await runDomain(ensemble ? join(runDir, ensemble.members[0].dir) : runDir, header, opts);

  const io = onnxIo(spec, { composition: composition !== undefined, intervals: Object.keys(ensemble?.calibration ?? {}) });
  const { grids, steps } = await trainingGrids(cfg, new Map(spec.tasks.map((t) => [t.name, t.data.width])), opts);
  const tasks: ManifestTask[] = io.tasks.map((t) => {
    const taskSpec = spec.tasks.find((s) => s.name === t.task)!;
    const configTask = cfg.tasks.find((c) => c.name === t.task);
    const column = configTask?.column ?? null;
    return {
      name: t.task,
      kind: t.kind,
      head: t.head,
      output: t.output,
      width: taskSpec.data.width,
      column,
      unit: t.kind === 'classification' ? null : taskUnit(t.task, configTask, opts),
      ...(t.kind === 'classification' ? { classes: header.classes[t.task] } : {}),
      ...(t.steps ? { steps: { input: t.steps, column: configTask?.stepsColumn ?? null, grid: grids.get(t.task) ?? null } } : {}),
      ...(t.uncertainty ? { uncertainty: { ...t.uncertainty, coverage: ensemble!.calibration[t.task].coverage } } : {}),
    };
  });

  const { scaling } = header;
  const draft: Omit<BundleManifest, 'files'> = {
    formatVersion: BUNDLE_FORMAT_VERSION,
    name: opts.name ?? cfg.name ?? basename(runDir),
    crucibleVersion: crucibleVersion(),
    createdAt: new Date().toISOString(),
    tasks,
    input: {
      featurizer: header.featurizer ? { ...header.featurizer, description: getFeaturizer(header.featurizer.id).description } : null,
      formulaColumn: cfg.data.formulaColumn,
      idColumn: cfg.data.idColumn,
      descriptors: { input: io.descriptors, columns: scaling.features.names },
      ...(io.composition && composition ? { composition: { input: io.composition, elements: composition.elements } } : {}),
      ...(io.structure && scaling.structure ? { structure: { input: io.structure.values, has: io.structure.has, columns: scaling.structure.names } } : {}),
      ...(io.elements ? { elements: elementInputs(spec, io) } : {}),
    },
    normalisation: {
      inGraph: true,
      features: { mean: scaling.features.mean, std: scaling.features.std },
      ...(scaling.structure ? { structure: { mean: scaling.structure.mean, std: scaling.structure.std } } : {}),
      targets: Object.fromEntries(scaling.tasks.filter((t) => t.targets).map((t) => [t.name, t.targets!])),
    },
    training: {
      run: basename(runDir),
      checkpoint: kind,
      epoch: header.epoch + 1,
      ...(ensemble ? { ensemble: { size: ensemble.size, seeds: ensemble.members.map((m) => m.seed) } } : {}),
      data: ((provenance?.data as Array<{ source: string; sha256: string; rows: number }> | undefined) ?? []).map((d) => ({
        ...d,
        source: basename(d.source),
      })),
    },
    metrics: metrics as BundleManifest['metrics'],
    ...(domain ? { domain: { record: MEMBERS.domain, model: MEMBERS.domainModel, distance: DOMAIN_DISTANCE_OUTPUT } } : {}),
    provenance: shareableProvenance(provenance),
  };

  const { resume: _resume, ...modelHeader } = header;
  const members = new Map<string, Uint8Array>([
    [MEMBERS.model, onnx],
    [MEMBERS.readme, new TextEncoder().encode(modelCard(draft, opts.fileName))],
    ...(draft.input.composition ? [[MEMBERS.python, pythonHelper()] satisfies [string, Uint8Array]] : []),
    [MEMBERS.report, new TextEncoder().encode(await runReport(runDir, { steps, provenance: draft.provenance }))],
    [MEMBERS.weights, encodeCheckpoint({ header: modelHeader, blobs: { params: contents.blobs.params } })],
    [MEMBERS.config, new TextEncoder().encode(configText)],
  ]);
  if (domain) {
    members.set(MEMBERS.domain, new TextEncoder().encode(`${JSON.stringify(domain.record, null, 2)}\n`));
    const amounts = draft.input.composition && composition ? { input: draft.input.composition.input, table: composition } : undefined;
    members.set(MEMBERS.domainModel, exportDomainGraph(domain, { descriptors: io.descriptors, features: scaling.features, composition: amounts }));
  }
  const files = Object.fromEntries([...members].map(([name, data]) => [name, { sha256: sha256(data), bytes: data.length }]));
  // Checking what we wrote catches a run whose files do not fit the manifest (e.g. a hand-edited metrics.json) here, not at import.
  const checked = BundleManifestSchema.safeParse({ ...draft, files });
  if (!checked.success) {
    throw new CrucibleError('bad-input', `Run ${basename(runDir)} cannot be described in a bundle manifest: ${describeIssues(checked.error)}.`, {
      hint: 'Check metrics.json and provenance.json in the run folder (they are written by `crucible train`).',
    });
  }
  return { manifest: checked.data, members };
}
