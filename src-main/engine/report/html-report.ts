/**
 * A run as one self-contained HTML page for a colleague: what was trained on what, the test metrics per task
 * beside the mean-predictor baseline, parity plots, confusion matrices and ROC curves, a few predicted curves,
 * the loss per epoch, an ensemble's intervals and members, the multi-task against single-task comparison when
 * the run belongs to one, provenance and the configuration. The plots are SVG drawn here, and a Content
 * Security Policy forbids scripts and every fetch: the file opens from an e-mail, offline, and shows the same
 * everywhere.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { parseConfigText } from '../config/index';
import { importIntoStore } from '../data/import/import-into-store';
import { DataStore } from '../data/store/data-store';
import { CrucibleError, isCrucibleError } from '../errors';
import { crucibleVersion } from '../paths';
import type { Project } from '../project/project';
import {
  readRunDetails,
  readRunHeader,
  readRunPredictions,
  RUN_FILES,
  projectCurveSteps,
  stepsById,
  type MetricsReport,
  type RunDetails,
  type RunHeader,
  type RunPredictions,
  type StepsLookup,
} from '../run-folder/index';
import { METRICS, type MetricName } from '../train/metrics';
import { code, esc, facts, num, percent, table, type Cell } from './html';
import { confusionMatrix } from '../run-folder/prediction-stats';
import { confusionPlot, curvePlots, historyPlot, MAX_PARITY_POINTS, parityPlot, rocPlot, type TaskPredictions } from './plots';
import { FONT, svgChart } from './svg-chart';

export interface RunReportOptions {
  /** Each curve's x values for its test rows (see {@link sourceSteps}); without it curves are drawn over their point index. */
  steps?: StepsLookup;
  /** Stands in for provenance.json: a bundle's report shows the provenance the bundle shares, without machine names or paths. */
  provenance?: Record<string, unknown> | null;
  /** When the report was written (default: now). */
  now?: Date;
}

/** The parts of provenance.json (train/provenance.ts) the report shows; older runs may lack any of them. */
const ProvenanceSchema = z.looseObject({
  crucible: z.string().optional(),
  versions: z.record(z.string(), z.string().nullable()).optional(),
  backend: z.looseObject({ name: z.string().optional() }).optional(),
  seed: z.number().optional(),
  derivedSeeds: z.record(z.string(), z.number()).optional(),
  data: z.array(z.looseObject({ source: z.string(), sha256: z.string().optional(), rows: z.number().optional() })).optional(),
  featurizer: z.looseObject({ id: z.string(), tableSha256: z.string().optional() }).nullable().optional(),
  machine: z.looseObject({ host: z.string().optional(), platform: z.string().optional(), cpus: z.number().optional() }).optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
type Provenance = z.infer<typeof ProvenanceSchema>;

/**
 * The parts of a study's compare.json (studies/compare.ts, which ranks above this module) that the multi-task
 * table shows: per task, the single-task models and each weighting strategy over the seeds.
 */
const SeedStats = z.looseObject({ mean: z.number().nullable(), std: z.number().nullable() });
const CompareSchema = z.looseObject({
  strategies: z.array(z.string()),
  seeds: z.array(z.number()),
  tasks: z.array(
    z.looseObject({
      task: z.string(),
      metric: z.string(),
      higherIsBetter: z.boolean(),
      stl: SeedStats,
      strategies: z.record(z.string(), SeedStats.extend({ gainPct: z.number().nullable(), negativeTransfer: z.boolean() })),
    }),
  ),
});
type Compare = z.infer<typeof CompareSchema>;
const COMPARE_FILE = 'compare.json';

async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T | null> {
  if (!existsSync(file)) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The multi-task study the run belongs to: compare.json in its folder or the study folder around it. */
async function readCompare(runDir: string): Promise<Compare | null> {
  for (const dir of [runDir, dirname(runDir)]) {
    const found = await readJson(join(dir, COMPARE_FILE), CompareSchema);
    if (found) return found;
  }
  return null;
}

/**
 * Curve x values from the data the run trained on: its project table (with `project`) or the file its config
 * names. Data that has moved or changed shape gives no x values, and the report draws over point indices.
 */
export function sourceSteps(runDir: string, project?: Project): StepsLookup {
  return async (curves, header) => {
    const steps = new Map<string, Map<string, number[]>>();
    let store: DataStore | undefined;
    try {
      const text = await readFile(join(runDir, RUN_FILES.config), 'utf8');
      const source = parseConfigText(text, { baseDir: runDir, file: join(runDir, RUN_FILES.config) }).data.attributes;
      if (source.kind === 'table') {
        if (!project?.table(source.table)) return steps;
        store = await project.openStore();
        const tables = project.tables.map((t) => t.name);
        for (const t of curves) steps.set(t.name, await projectCurveSteps(store, header, t.stepsColumn!, tables));
      } else {
        if (!existsSync(source.path)) return steps;
        store = await DataStore.inMemory();
        await importIntoStore(store, source.path, 'attributes');
        for (const t of curves) steps.set(t.name, await stepsById(store, 'attributes', header.idColumn, t.stepsColumn!));
      }
    } catch (e) {
      if (!isCrucibleError(e)) throw e;
    } finally {
      await store?.close();
    }
    return steps;
  };
}

const metricLabel = (name: string) => METRICS[name as MetricName]?.label ?? name;
const lowerIsBetter = (name: string) => METRICS[name as MetricName]?.higherIsBetter === false;

/** Error metrics as a share of the baseline's: how much of the mean predictor's error the model removes. */
function versusBaseline(metric: string, test: number | undefined, baseline: number | undefined): string {
  if (test === undefined || baseline === undefined || !lowerIsBetter(metric) || !(baseline > 0)) return '';
  const change = test / baseline - 1;
  return `${change <= 0 ? '−' : '+'}${Math.abs(Math.round(change * 100))} %`;
}

function metricsSection(metrics: MetricsReport, header: RunHeader): string {
  const rows: Cell[][] = [];
  for (const [task, m] of Object.entries(metrics.tasks)) {
    const names = [...new Set([...Object.keys(m.test), ...Object.keys(m.val)])];
    const column = header.tasks.find((t) => t.name === task)?.column;
    names.forEach((metric, k) => {
      const base = m.baseline_test?.[metric];
      rows.push([
        k === 0 ? { html: `<strong>${esc(task)}</strong>${column && column !== task ? ` <span class="muted">(${esc(column)})</span>` : ''}` } : '',
        k === 0 ? m.type : '',
        metricLabel(metric),
        num(m.val[metric]),
        { html: `<strong>${num(m.test[metric])}</strong>` },
        num(base),
        versusBaseline(metric, m.test[metric], base),
      ]);
    });
  }
  const overall = Object.entries(metrics.overall.test);
  return [
    '<section id="metrics"><h2>Metrics per task</h2>',
    '<p>Validation and test metrics in the units of the data. The baseline always predicts the training mean (per point for curves): a useful model beats it clearly; the last column gives the change of an error metric against it.</p>',
    table(['task', 'kind', 'metric', 'validation', 'test', 'baseline (test)', 'vs. baseline'], rows, [3, 4, 5, 6]),
    overall.length ? `<p class="muted">Over all tasks (test): ${overall.map(([k, v]) => `${esc(metricLabel(k))} ${num(v)}`).join(', ')}.</p>` : '',
    '</section>',
  ].join('');
}

function intervalSection(metrics: MetricsReport): string {
  const withInterval = Object.entries(metrics.tasks).filter(([, m]) => m.interval);
  const ensemble = metrics.ensemble;
  if (!withInterval.length && !ensemble) return '';
  const parts = ['<section id="ensemble"><h2>Ensemble</h2>'];
  if (withInterval.length) {
    parts.push(
      '<p>Split-conformal intervals around the members’ mean, calibrated on the validation rows: the share of test rows inside them should be close to the coverage asked for.</p>',
      table(
        ['task', 'coverage asked', 'test coverage', 'mean width', 'calibration rows', 'test rows'],
        withInterval.map(([task, m]) => {
          const iv = m.interval!;
          return [task, percent(iv.coverage), percent(iv.test_coverage), num(iv.mean_width), String(iv.calibration_rows), String(iv.test_rows)];
        }),
        [1, 2, 3, 4, 5],
      ),
    );
  }
  if (ensemble) {
    const columns = Object.keys(metrics.tasks).flatMap((task) => {
      const first = Object.keys(metrics.tasks[task].test)[0];
      return first ? [[task, first] as const] : [];
    });
    parts.push(
      `<p>${ensemble.size} members, each trained from its own seed; the metrics above are those of their mean.</p>`,
      table(
        ['member', 'seed', 'best epoch', 'epochs', ...columns.map(([task, metric]) => `${task} ${metricLabel(metric)}`)],
        ensemble.members.map((m, i) => [
          String(i + 1),
          String(m.seed),
          String(m.best_epoch),
          String(m.epochs_run),
          ...columns.map(([task, metric]) => num(m.test[task]?.[metric])),
        ]),
        [1, 2, 3, ...columns.map((_, i) => 4 + i)],
      ),
    );
  }
  parts.push('</section>');
  return parts.join('');
}

function forgettingSection(metrics: MetricsReport): string {
  const f = metrics.forgetting;
  if (!f) return '';
  if (!f.tasks) return `<section id="forgetting"><h2>Forgetting</h2><p>${esc(f.note ?? 'Not measured.')}</p></section>`;
  const rows = Object.entries(f.tasks).flatMap(([task, byMetric]) =>
    Object.entries(byMetric).map(([metric, v]) => [task, metricLabel(metric), num(v.before), num(v.after), num(v.change)]),
  );
  return [
    '<section id="forgetting"><h2>Forgetting</h2>',
    '<p>The source model’s tasks on the source’s test rows, before and after fine-tuning.</p>',
    table(['task', 'metric', 'before', 'after', 'change'], rows, [2, 3, 4]),
    '</section>',
  ].join('');
}

function compareSection(compare: Compare | null): string {
  if (!compare) return '';
  const rows = compare.tasks.map((t) => [
    t.task,
    `${metricLabel(t.metric)} (${t.higherIsBetter ? 'higher' : 'lower'} is better)`,
    meanStd(t.stl),
    ...compare.strategies.map((s) => {
      const r = t.strategies[s];
      if (!r) return '—';
      const gain =
        r.gainPct === null ? '' : ` <span class="${r.negativeTransfer ? 'bad' : 'good'}">${r.gainPct >= 0 ? '+' : '−'}${num(Math.abs(r.gainPct))} %</span>`;
      return { html: `${esc(meanStd(r))}${gain}${r.negativeTransfer ? ' <span class="bad">negative transfer</span>' : ''}` };
    }),
  ]);
  return [
    '<section id="compare"><h2>Multi-task against single-task</h2>',
    `<p>Test metric over ${compare.seeds.length} seed(s), mean ± standard deviation: one single-task model per task against the multi-task model under each loss weighting. The percentage is the multi-task gain (positive: learning the tasks together helps).</p>`,
    table(['task', 'metric', 'single-task', ...compare.strategies.map((s) => `multi-task: ${s}`)], rows, [2, ...compare.strategies.map((_, i) => 3 + i)]),
    '</section>',
  ].join('');
}

const meanStd = (s: { mean: number | null; std: number | null }) => (s.std === null ? num(s.mean) : `${num(s.mean)} ± ${num(s.std)}`);

const figure = (id: string, svg: string, caption: string) => `<figure class="plot" data-plot="${esc(id)}">${svg}<figcaption>${caption}</figcaption></figure>`;

/** The rows a regression task gets most wrong, with the formula as the data wrote it and its canonical form. */
function largestErrors(task: TaskPredictions, p: RunPredictions): string {
  const rows = task.measured
    .map((m, i) => ({ i, m, pr: task.predicted[i] }))
    .filter((r): r is { i: number; m: number; pr: number } => typeof r.m === 'number' && typeof r.pr === 'number')
    .sort((a, b) => Math.abs(b.pr - b.m) - Math.abs(a.pr - a.m))
    .slice(0, 5);
  if (!rows.length) return '';
  const showId = rows.some((r) => p.ids[r.i] !== p.formulas[r.i]);
  return table(
    [...(showId ? ['id'] : []), 'formula', 'canonical formula', 'measured', 'predicted', 'error'],
    rows.map((r) => [...(showId ? [p.ids[r.i]] : []), code(p.formulas[r.i]), code(p.canonicalFormulas[r.i]), num(r.m), num(r.pr), num(r.pr - r.m)]),
    showId ? [3, 4, 5] : [2, 3, 4],
  );
}

async function taskSection(task: TaskPredictions, p: RunPredictions, header: RunHeader, metrics: MetricsReport | null): Promise<string> {
  const info = header.tasks.find((t) => t.name === task.name);
  const column = info?.column ?? task.name;
  // The unit the run states goes on the axes; none is guessed.
  const unit = info?.unit ? ` (${info.unit})` : '';
  const test = metrics?.tasks[task.name]?.test ?? {};
  const figures: string[] = [];
  let extra = '';
  if (task.type === 'regression') {
    const plot = parityPlot(task, `${column}${unit}`);
    const sampled = plot.points > MAX_PARITY_POINTS ? ` (${MAX_PARITY_POINTS} of them drawn, evenly spread)` : '';
    const coverage = metrics?.tasks[task.name]?.interval?.coverage;
    const bars = task.interval && coverage !== undefined ? ` Vertical bars: each row’s ${percent(coverage)} interval.` : '';
    figures.push(
      figure(
        `parity-${task.name}`,
        await svgChart(plot),
        `Parity: predicted against measured ${esc(column)} on ${plot.points} test rows${sampled}; MAE ${num(test.mae)}, R² ${num(test.r2)}. Dashed: perfect agreement.${bars}`,
      ),
    );
    const worst = largestErrors(task, p);
    if (worst) figures.push(`<div class="side"><h4>Largest errors</h4>${worst}</div>`);
  } else if (task.type === 'classification') {
    const m = confusionMatrix(task);
    figures.push(
      figure(
        `confusion-${task.name}`,
        await svgChart(confusionPlot(task, m)),
        `Confusion matrix: ${m.total} test rows by measured (rows) and predicted (columns) class; accuracy ${num(test.accuracy)}, balanced accuracy ${num(test.balanced_accuracy)}.`,
      ),
    );
    const roc = rocPlot(task);
    if (roc)
      figures.push(
        figure(
          `roc-${task.name}`,
          await svgChart(roc),
          `ROC: ${roc.curves.map((c) => `class ${esc(c.positive)} against the rest, AUC ${num(c.auc)}`).join('; ')}. Dashed: chance.`,
        ),
      );
    else if (test.roc_auc !== undefined)
      extra = `<p class="muted">ROC AUC ${num(test.roc_auc)} (the prediction file holds no class probabilities to draw the curve from).</p>`;
  } else {
    const xName = task.steps ? (task.stepsColumn ?? 'x') : task.stepsColumn ? `point of ${task.stepsColumn}` : 'point';
    const { shown, measured } = curvePlots(task, xName);
    for (const c of shown) {
      const id = p.ids[c.row];
      const name = `${esc(p.formulas[c.row])}${id !== p.formulas[c.row] ? ` <span class="muted">(${esc(id)})</span>` : ''}`;
      figures.push(
        figure(
          `curve-${task.name}-${c.rank}`,
          await svgChart(c.plot),
          `<strong>${name}</strong>: rank ${c.rank} of ${measured} by mean absolute error (${num(c.error)}).`,
        ),
      );
    }
    if (shown.length)
      extra = `<p class="muted">Solid: measured; dashed: predicted. The curves are spread over the error ranking, best predicted first.${task.steps ? '' : task.stepsColumn ? ` The x values (${esc(task.stepsColumn)}) could not be read from the training data, so points are numbered.` : ''}</p>`;
  }
  return [
    `<section class="task" id="task-${esc(task.name)}">`,
    `<h3>${esc(task.name)} <span class="muted">${esc(task.type)}${column !== task.name ? `, column ${esc(column)}` : ''}${info?.unit ? `, unit ${esc(info.unit)}` : ''}</span></h3>`,
    `<div class="figures${task.type === 'sequence' ? ' curves' : ''}">${figures.join('')}</div>`,
    extra,
    '</section>',
  ].join('');
}

function provenanceSection(provenance: Provenance | null, details: RunDetails, header: RunHeader): string {
  if (!provenance) return '<section id="provenance"><h2>Provenance</h2><p>The run folder has no provenance.json.</p></section>';
  const versions = Object.entries(provenance.versions ?? {}).filter((e): e is [string, string] => e[1] !== null);
  const machine = provenance.machine;
  const parts = [
    '<section id="provenance"><h2>Provenance</h2>',
    facts([
      ['Crucible', provenance.crucible],
      ['backend', provenance.backend?.name ?? header.backend ?? undefined],
      ['seed', provenance.seed === undefined ? undefined : String(provenance.seed)],
      [
        'derived seeds',
        provenance.derivedSeeds && Object.keys(provenance.derivedSeeds).length
          ? Object.entries(provenance.derivedSeeds)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')
          : undefined,
      ],
      [
        'featurizer',
        provenance.featurizer
          ? {
              html: `${esc(provenance.featurizer.id)} ${provenance.featurizer.tableSha256 ? `<span class="muted">element table sha-256</span> <code>${esc(provenance.featurizer.tableSha256)}</code>` : ''}`,
            }
          : undefined,
      ],
      ['started', provenance.startedAt],
      ['finished', provenance.finishedAt],
      [
        'machine',
        machine ? [machine.host, machine.platform, machine.cpus === undefined ? undefined : `${machine.cpus} CPUs`].filter(Boolean).join(', ') : undefined,
      ],
      ['packages', versions.length ? versions.map(([k, v]) => `${k} ${v}`).join(', ') : undefined],
    ]),
  ];
  if (provenance.data?.length) {
    parts.push(
      '<h3>Data</h3>',
      table(
        ['source', 'rows', 'sha-256'],
        provenance.data.map((d) => [d.source, d.rows === undefined ? '—' : String(d.rows), code(d.sha256 ?? '—')]),
        [1],
      ),
    );
  }
  parts.push(
    '<h3>Configuration</h3><p class="muted">config.yaml as resolved (defaults filled in); <code>crucible train</code> runs it again.</p>',
    `<pre class="config">${esc(details.config)}</pre>`,
    '</section>',
  );
  return parts.join('');
}

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.5 ${FONT}; color: #1b1f24; background: #fff; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d8dee4; }
h3 { font-size: 1.05rem; margin: 20px 0 6px; }
h4 { font-size: 0.95rem; margin: 12px 0 4px; }
p { margin: 6px 0; }
.muted { color: #57606a; font-weight: normal; }
.good { color: #1a7f37; }
.bad { color: #b42318; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.9rem; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e4e8ec; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85rem; }
pre { background: #f6f8fa; padding: 12px; overflow-x: auto; border-radius: 6px; white-space: pre-wrap; }
pre.config { max-height: 32em; overflow-y: auto; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: #57606a; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.side h4 { margin-top: 0; }
figure.plot { margin: 0; border: 1px solid #e4e8ec; border-radius: 6px; padding: 8px; background: #fff; max-width: 100%; box-sizing: border-box; }
figure.plot svg { display: block; max-width: 100%; height: auto; }
/* As wide as the plot, never wider: the caption takes no width of its own. */
figcaption { font-size: 0.85rem; color: #444c56; margin-top: 4px; width: 0; min-width: 100%; }
nav { font-size: 0.9rem; margin: 8px 0 0; }
nav a { color: #0969da; margin-right: 12px; text-decoration: none; }
footer { margin-top: 40px; font-size: 0.8rem; color: #57606a; }
@media print { figure.plot { break-inside: avoid; } pre.config { max-height: none; } }
`;

/** The report of the run in `runDir` as one HTML document. */
export async function runReport(runDirIn: string, opts: RunReportOptions = {}): Promise<string> {
  const runDir = resolve(runDirIn);
  if (!existsSync(join(runDir, RUN_FILES.config)) && !existsSync(join(runDir, RUN_FILES.header))) {
    throw new CrucibleError('not-found', `${runDir} is not a training run folder: it has neither run.json nor config.yaml.`, {
      hint: 'Give the folder `crucible train` wrote.',
    });
  }
  const header = await readRunHeader(runDir);
  const details = await readRunDetails(runDir);
  const metrics = details.metrics;
  const predictions = existsSync(join(runDir, RUN_FILES.testPredictions)) ? await readRunPredictions(runDir, opts.steps) : null;
  const provenanceRaw = opts.provenance !== undefined ? opts.provenance : await readJson(join(runDir, RUN_FILES.provenance), z.record(z.string(), z.unknown()));
  const provenance = provenanceRaw ? (ProvenanceSchema.safeParse(provenanceRaw).data ?? null) : null;
  const compare = await readCompare(runDir);
  const s = details.summary;
  const title = `${s.name} — Crucible run report`;

  const tasks = predictions ? await Promise.all(predictions.tasks.map((t) => taskSection(t, predictions, header, metrics))) : [];
  const history = historyPlot(details.history, s.bestEpoch);
  const sources = provenance?.data?.map((d) => basename(d.source)).join(', ');
  const now = opts.now ?? new Date();

  const body = [
    `<header><h1>${esc(s.name)}</h1>`,
    `<p class="muted">Crucible run report · run folder ${esc(basename(runDir))} · ${esc(s.status)}</p>`,
    '<nav>',
    [
      ['summary', 'Summary'],
      ['metrics', 'Metrics'],
      ['plots', 'Plots'],
      ...(metrics?.ensemble || Object.values(metrics?.tasks ?? {}).some((m) => m.interval) ? [['ensemble', 'Ensemble']] : []),
      ...(compare ? [['compare', 'Multi-task vs single-task']] : []),
      ['provenance', 'Provenance'],
    ]
      .map(([id, text]) => `<a href="#${id}">${text}</a>`)
      .join(''),
    '</nav></header>',
    '<section id="summary"><h2>Summary</h2>',
    facts([
      ['tasks', header.tasks.map((t) => `${t.name} (${t.type}${t.column !== t.name ? `, ${t.column}` : ''})`).join(', ')],
      [
        'data',
        header.joinedTables ? `project tables ${header.joinedTables.join(', ')}, joined by material` : header.table ? `project table ${header.table}` : sources,
      ],
      ['test rows', predictions ? String(predictions.ids.length) : undefined],
      ['descriptors', header.featurizer ? `${header.featurizer} from formulas` : 'descriptor columns'],
      ['encoder', header.sharedDims.length ? header.sharedDims.join(' → ') : undefined],
      ['loss weighting', header.strategy ?? undefined],
      ['backend', s.backend ?? undefined],
      ['epochs', `${s.epochsRun}${s.bestEpoch !== null ? `, best ${s.bestEpoch}` : ''}${s.stopReason ? ` (${s.stopReason})` : ''}`],
      [
        'per-task best epochs',
        metrics?.best_epochs
          ? Object.entries(metrics.best_epochs)
              .map(([t, e]) => `${t} ${e}`)
              .join(', ')
          : undefined,
      ],
      ['started', s.startedAt ?? undefined],
      ['duration', s.durationSeconds === null ? undefined : `${num(s.durationSeconds)} s`],
      ['error', s.error ?? undefined],
    ]),
    '</section>',
    metrics
      ? metricsSection(metrics, header)
      : '<section id="metrics"><h2>Metrics per task</h2><p>The run wrote no metrics.json (it did not finish).</p></section>',
    '<section id="plots"><h2>Plots</h2>',
    predictions ? '' : '<p>The run wrote no test predictions (it did not finish).</p>',
    ...tasks,
    history
      ? `<h3>Training</h3><div class="figures">${figure('history', await svgChart(history), 'Total weighted loss per epoch; dashed: the best epoch, whose weights were kept.')}</div>`
      : '',
    '</section>',
    metrics ? intervalSection(metrics) : '',
    metrics ? forgettingSection(metrics) : '',
    compareSection(compare),
    provenanceSection(provenance, details, header),
    `<footer>Written by Crucible ${esc(crucibleVersion())} on ${esc(now.toISOString())}. One file: no scripts, nothing fetched.</footer>`,
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // Nothing may load or run, even if a name in the run tried to: styles and images inline only.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body><main>',
    ...body,
    '</main></body></html>',
    '',
  ].join('\n');
}
