/**
 * The bundle's README.md: what the model predicts, from which inputs, the data it was trained on, its
 * test metrics, and how to run model.onnx from Python with onnxruntime (or from Crucible without coding).
 */
import type { BundleManifest, ManifestTask } from './manifest';
import { MEMBERS } from './members';
import { DOMAIN_COLUMNS } from '../../vocabulary';

type ManifestDraft = Omit<BundleManifest, 'files'>;

const fmt = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Number(v.toPrecision(4)).toString());

function gridText(grid: number[]): string {
  return `${grid.length} points from ${fmt(grid[0])} to ${fmt(grid.at(-1))}`;
}

function taskDetails(t: ManifestTask): string {
  if (t.kind === 'classification') return `probability of each class, in the order ${t.classes!.map((c) => `\`${c}\``).join(', ')}`;
  if (t.kind === 'regression') return t.width === 1 ? 'one value' : `${t.width} values`;
  const steps = t.steps!;
  const on = steps.grid ? `on the training grid (${gridText(steps.grid)}, in manifest.json)` : `on each row's own x values (column \`${steps.column}\`)`;
  return `curve (${t.head} head) ${on}; x values go in input \`${steps.input}\``;
}

function tasksTable(m: ManifestDraft): string[] {
  return [
    '| Task | Type | ONNX output | Unit | Output |',
    '|---|---|---|---|---|',
    ...m.tasks.map((t) => `| ${t.name} | ${t.kind} | \`${t.output}\` | ${t.unit ?? '–'} | ${taskDetails(t)} |`),
  ];
}

function inputsSection(m: ManifestDraft, bundleFile: string): string[] {
  const { input } = m;
  const n = input.descriptors.columns.length;
  const lines: string[] = [];
  if (input.featurizer) {
    const formula = input.formulaColumn ?? 'formula';
    lines.push(
      `The model reads the ${n} composition descriptors of Crucible's \`${input.featurizer.id}\` featurizer, computed from a chemical formula. ${input.featurizer.description}`,
      '',
      `**With Crucible** (no coding): \`crucible predict ${bundleFile} materials.csv --out predictions.csv\` featurizes the \`${formula}\` column of a CSV, Parquet or Excel file and writes one prediction column per task.`,
      '',
      input.composition
        ? `**Without Crucible**: the model computes these descriptors itself from element fractions (input \`${input.composition.input}\`, float32 [rows, ${input.composition.elements.length}], columns \`input.composition.elements\`). Unzip \`${MEMBERS.python}\` from the bundle and run \`python ${MEMBERS.python} ${bundleFile} materials.csv -o predictions.csv\` (Python 3.9+ with \`pip install numpy onnxruntime\`; \`--formula-column\` names the column when it is not \`${formula}\`): it reads formulas exactly as Crucible does and writes the formula and id columns with the prediction columns of \`crucible predict\`, leaving rows it cannot read empty and listing them by row; \`--vectors-json -\` prints the fractions it would feed, without onnxruntime. Crucible's build machines test the helper with Debian's python3, which has no onnxruntime, so they test it by feeding its vectors to onnxruntime-node and comparing with \`crucible predict\`.`
        : `**Without Crucible** you need these descriptors yourself: no Python package computes this featurizer, so compute them by the definition above from the element table with sha-256 \`${input.featurizer.tableSha256}\`, or ask a Crucible user to run the prediction.`,
    );
  } else {
    lines.push(
      `The model reads ${n} descriptor columns (${input.descriptors.columns
        .slice(0, 5)
        .map((c) => `\`${c}\``)
        .join(', ')}${n > 5 ? ', …' : ''}), as in its training files.`,
    );
  }
  lines.push(
    '',
    `The ONNX input \`${input.descriptors.input}\` takes float32 [rows, ${n}] in the column order of \`manifest.json\` → \`input.descriptors.columns\`; NaN marks a missing value (the training mean is used). Standardisation and un-scaling are inside the graph: feed raw values, read predictions in the units of the training data.`,
  );
  if (input.structure) {
    lines.push(
      '',
      `Structure descriptors go in \`${input.structure.input}\` (float32 [rows, ${input.structure.columns.length}], columns \`input.structure.columns\`) with \`${input.structure.has}\` (float32 [rows, 1]: 1 where the row has a structure, else 0).`,
    );
  }
  return lines;
}

function trainingSection(m: ManifestDraft): string[] {
  const lines = m.training.data.map((d) => `- \`${d.source}\`: ${d.rows.toLocaleString('en-US')} rows, sha-256 \`${d.sha256}\``);
  if (m.input.featurizer) lines.push(`- descriptors: featurizer \`${m.input.featurizer.id}\`, element table sha-256 \`${m.input.featurizer.tableSha256}\``);
  const seed = m.provenance?.seed;
  lines.push(
    `- run \`${m.training.run}\`, ${m.training.checkpoint} checkpoint (epoch ${m.training.epoch}${m.metrics ? ` of ${m.metrics.epochs_run}` : ''})${typeof seed === 'number' ? `, seed ${seed}` : ''}`,
  );
  for (const t of m.tasks)
    if (t.column) lines.push(`- task \`${t.name}\` learned column \`${t.column}\`${t.steps?.column ? ` on x values \`${t.steps.column}\`` : ''}`);
  return lines;
}

function metricsSection(m: ManifestDraft): string[] {
  if (!m.metrics) return ['The run did not finish its evaluation, so there are no test metrics.'];
  const rows: string[] = ['| Task | Metric | Test | Validation | Mean predictor (test) |', '|---|---|---|---|---|'];
  for (const [task, r] of Object.entries(m.metrics.tasks)) {
    for (const [metric, value] of Object.entries(r.test))
      rows.push(`| ${task} | ${metric} | ${fmt(value)} | ${fmt(r.val[metric])} | ${fmt(r.baseline_test?.[metric])} |`);
  }
  return rows;
}

function domainSection(m: ManifestDraft): string[] {
  if (!m.domain) return [];
  return [
    '## Applicability domain',
    '',
    `\`crucible predict\` and \`${MEMBERS.python}\` write \`<task>_${DOMAIN_COLUMNS.flagSuffix}\` beside each task (false outside its domain) and \`${DOMAIN_COLUMNS.note}\` (why). A row lies outside a task's domain when its formula holds an element that no labelled training row of the task held, or when the mean distance of its standardized descriptors to their k nearest sampled training rows exceeds the threshold the validation rows set (their same distance at a high quantile). \`${m.domain.record}\` holds k, the quantile, the threshold and each task's training elements; \`${m.domain.model}\` computes the distance (output \`${m.domain.distance}\`) from the inputs \`${MEMBERS.model}\` reads.`,
    '',
  ];
}

/** About ten lines of Python that run model.onnx on a table holding the descriptor columns. */
function pythonExample(m: ManifestDraft, bundleFile: string): string[] {
  const { input } = m;
  const code = [
    'import json, zipfile',
    'import numpy as np, onnxruntime as ort, pandas as pd',
    '',
    `bundle = zipfile.ZipFile(${JSON.stringify(bundleFile)})`,
    `manifest = json.loads(bundle.read("${MEMBERS.manifest}"))`,
    `session = ort.InferenceSession(bundle.read("${MEMBERS.model}"))`,
    'table = pd.read_csv("descriptors.csv")  # one row per material, with the descriptor columns',
    `feeds = {"${input.descriptors.input}": table[manifest["input"]["descriptors"]["columns"]].to_numpy(np.float32)}`,
  ];
  // The graph predicts descriptor rows and then composition rows: from descriptors, no composition rows.
  if (input.composition) code.push(`feeds["${input.composition.input}"] = np.zeros((0, ${input.composition.elements.length}), np.float32)`);
  if (input.structure) {
    code.push(
      `feeds["${input.structure.input}"] = table[manifest["input"]["structure"]["columns"]].to_numpy(np.float32)`,
      `feeds["${input.structure.has}"] = (~np.isnan(feeds["${input.structure.input}"]).all(axis=1, keepdims=True)).astype(np.float32)`,
    );
  }
  m.tasks.forEach((t, i) => {
    if (!t.steps) return;
    code.push(
      t.steps.grid
        ? `feeds["${t.steps.input}"] = np.tile(np.float32(manifest["tasks"][${i}]["steps"]["grid"]), (len(table), 1))`
        : `feeds["${t.steps.input}"] = np.array([json.loads(s) for s in table[${JSON.stringify(t.steps.column)}]], np.float32)  # equal lengths per call`,
    );
  });
  code.push(
    'outputs = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds)))',
    'for task in manifest["tasks"]:  # classification outputs are probabilities of task["classes"]',
    '    print(task["name"], task["unit"], outputs[task["output"]][:5])',
  );
  return ['```python', ...code, '```'];
}

export function modelCard(m: ManifestDraft, bundleFile = `${m.name}.crucible`): string {
  return [
    `# ${m.name}`,
    '',
    `A multi-task model trained with Crucible ${m.crucibleVersion}, exported ${m.createdAt.slice(0, 10)} as a bundle (format ${m.formatVersion}): \`${MEMBERS.model}\` runs in any ONNX runtime, \`${MEMBERS.manifest}\` describes it, \`${MEMBERS.weights}\` holds the TensorFlow.js weights for fine-tuning in Crucible, \`${MEMBERS.config}\` the training configuration, and \`${MEMBERS.report}\` the run's report (metrics, parity plots, confusion matrices, curves, provenance) as one page that opens offline in any browser.`,
    '',
    '## What it predicts',
    '',
    ...tasksTable(m),
    '',
    '## Inputs',
    '',
    ...inputsSection(m, bundleFile),
    '',
    '## Training data',
    '',
    ...trainingSection(m),
    '',
    '## Test metrics',
    '',
    ...metricsSection(m),
    '',
    ...domainSection(m),
    '## Running it from Python',
    '',
    'With `pip install onnxruntime pandas`, on a CSV holding the descriptor columns:',
    '',
    ...pythonExample(m, bundleFile),
    '',
  ].join('\n');
}
