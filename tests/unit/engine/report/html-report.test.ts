/**
 * Run reports from real runs: one file with every plot as inline SVG, the metrics beside the baseline, the
 * ensemble's intervals and members, curves on the data's own x values, provenance and config; nothing that
 * runs or loads; every name from the run escaped; the multi-task table when the run belongs to a study; and the
 * report inside an exported bundle, without the machine's name.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportBundle, MEMBERS, readBundle } from '../../../../src-main/engine/export/bundle/index';
import { runReport, sourceSteps } from '../../../../src-main/engine/report/index';
import { num } from '../../../../src-main/engine/report/html';
import type { MetricsReport } from '../../../../src-main/engine/run-folder/index';
import type { CompareReport } from '../../../../src-main/engine/studies/compare';
import { dataSet, scratchDir } from '../../../helpers/paths';
import { COVERAGE, trainReportRuns, type ReportRuns } from './report-runs';

/** The report's figures: each one's data-plot id and markup. */
function figures(html: string): { id: string; html: string }[] {
  return [...html.matchAll(/<figure class="plot" data-plot="([^"]*)">([\s\S]*?)<\/figure>/g)].map((m) => ({ id: m[1], html: m[2] }));
}

const metricsOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as MetricsReport;

describe('run reports', () => {
  const scratch = scratchDir('crucible-report-');
  let runs: ReportRuns;
  const html = {} as Record<keyof ReportRuns, string>;
  const now = new Date('2026-01-02T03:04:05Z');

  beforeAll(async () => {
    runs = await trainReportRuns(scratch.dir);
    for (const name of ['gap', 'dos', 'hostile'] as const) html[name] = await runReport(runs[name], { steps: sourceSteps(runs[name]), now });
  }, 180_000);
  afterAll(() => scratch.cleanup());

  it('draws every plot as inline SVG: parity with intervals, confusion matrix and ROC, curves, the loss per epoch', () => {
    const gap = figures(html.gap);
    expect(gap.map((f) => f.id)).toEqual(['parity-band_gap', 'confusion-is_metal', 'roc-is_metal']);
    const dos = figures(html.dos);
    expect(dos.map((f) => f.id)).toEqual([...Array.from({ length: 6 }, () => expect.stringMatching(/^curve-phonon_dos-\d+$/)), 'history']);
    for (const f of [...gap, ...dos]) {
      expect(f.html.match(/<svg /g), f.id).toHaveLength(1);
      expect(f.html, f.id).toMatch(/<svg role="img" aria-label="[^"]+" width="\d+" height="\d+"[^>]* viewBox=/);
      // Drawn, not empty: marks (four cells at the least) and axis labels.
      expect(f.html.match(/<path /g)!.length, f.id).toBeGreaterThanOrEqual(4);
      expect(f.html, f.id).toContain('<text');
    }
    // Each test row is a point; each row's interval a bar of its own.
    const parity = gap[0].html;
    expect(parity.match(/<path d="M[^"]*"[^>]*fill="#0072B2"/g)!.length).toBeGreaterThan(400);
    expect(parity.match(/stroke="#56B4E9"/g)!.length).toBeGreaterThan(400);
    expect(parity).toContain(`each row’s ${COVERAGE * 100} % interval`);
    expect(gap[1].html).toMatch(/<text[^>]*>\d+<\/text>/);
    expect(gap[2].html).toMatch(/class 1 \(AUC 0\.\d{3}\)/);
    // The DOS curves run over the data set's frequency grid (0 to 1000), not over point numbers.
    expect(dos[0].html).toContain('>frequency_grid</text>');
    expect(dos[0].html).toContain('>1000</text>');
  });

  it('gives each task its test metrics beside the mean-predictor baseline, and the ensemble its intervals and members', () => {
    const m = metricsOf(runs.gap);
    const gap = m.tasks.band_gap;
    for (const v of [gap.test.mae, gap.baseline_test!.mae, gap.val.mae, gap.test.r2, m.tasks.is_metal.test.roc_auc]) expect(html.gap).toContain(`>${num(v)}<`);
    expect(html.gap).toContain(`−${Math.round((1 - gap.test.mae / gap.baseline_test!.mae) * 100)} %`);
    const interval = gap.interval!;
    expect(html.gap).toContain(`<td>band_gap</td><td class="n">90 %</td><td class="n">${Number((interval.test_coverage! * 100).toPrecision(3))} %</td>`);
    for (const member of m.ensemble!.members) expect(html.gap).toContain(`<td class="n">${member.seed}</td>`);
    expect(html.gap).toContain('2 members, each trained from its own seed');
  });

  it('keeps provenance and config: versions, seeds, data hashes, the resolved config.yaml', () => {
    const provenance = JSON.parse(readFileSync(join(runs.dos, 'provenance.json'), 'utf8'));
    for (const text of [
      provenance.data[0].sha256,
      provenance.featurizer.tableSha256,
      `@tensorflow/tfjs ${provenance.versions['@tensorflow/tfjs']}`,
      'seed_everything: 5',
    ])
      expect(html.dos).toContain(text);
    expect(html.dos).toContain('<dt>seed</dt><dd>5</dd>');
    expect(html.dos).toContain(`Written by Crucible`);
    expect(html.dos).toContain(now.toISOString());
  });

  it('needs nothing from outside: no script, no fetch, a policy forbidding both', () => {
    for (const page of Object.values(html)) {
      expect(page).toMatch(/^<!DOCTYPE html>/);
      expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
      expect(page).not.toMatch(/<script|<link|<iframe|<img|@import|url\((?!#)/i);
      expect(page).not.toMatch(/\b(src|href)=["']?(https?:|\/\/|file:)/i);
    }
  });

  it('escapes task names, ids, formulas and the config, so none of them can inject markup', () => {
    const page = html.hostile;
    expect(page).not.toMatch(/<script|<img|<b on/i);
    expect(page).toContain('is_&lt;img src=x onerror=alert(1)&gt;metal');
    expect(page).toContain('&lt;/code&gt;&lt;script&gt;alert(&quot;formula&quot;)&lt;/script&gt;');
    expect(page).toContain('&lt;script&gt;alert(&quot;id&quot;)&lt;/script&gt;');
    expect(page).toContain('&lt;b onmouseover=alert(1)&gt;Fe2O3&lt;/b&gt;');
    expect(page).toContain('# &lt;/pre&gt;&lt;script&gt;alert(&quot;config&quot;)&lt;/script&gt;');
    // The plot ids come from task names too.
    expect(figures(page).map((f) => f.id)).toContain('confusion-is_&lt;img src=x onerror=alert(1)&gt;metal');
  });

  it('shows the largest errors with the formula as the data wrote it and its canonical form', () => {
    const worst = /<h4>Largest errors<\/h4><table>([\s\S]*?)<\/table>/.exec(html.gap)![1];
    expect(worst).toContain('<th>formula</th><th>canonical formula</th>');
    // expt_gap writes Ag(AuS)2-style formulas: some differ from their canonical form.
    const pairs = [...worst.matchAll(/<td><code>([^<]*)<\/code><\/td><td><code>([^<]*)<\/code><\/td>/g)];
    expect(pairs).toHaveLength(5);
  });

  it('adds the multi-task against single-task table when the run belongs to a comparison study', async () => {
    const study: CompareReport = {
      strategies: ['uncertainty'],
      seeds: [1, 2],
      runs: [],
      tasks: [
        {
          task: 'band_gap',
          kind: 'regression',
          metric: 'mae',
          higherIsBetter: false,
          stl: { values: [0.5, 0.6], mean: 0.55, std: 0.07 },
          strategies: { uncertainty: { values: [0.6, 0.7], mean: 0.65, std: 0.07, gainPct: -18.18, negativeTransfer: true } },
        },
      ],
    };
    writeFileSync(join(scratch.dir, 'compare.json'), JSON.stringify(study));
    const page = await runReport(runs.dos, { now });
    const section = /<section id="compare">([\s\S]*?)<\/section>/.exec(page)![1];
    expect(section).toContain('<th class="n">single-task</th><th class="n">multi-task: uncertainty</th>');
    expect(section).toContain('0.55 ± 0.07');
    expect(section).toContain('<span class="bad">−18.18 %</span> <span class="bad">negative transfer</span>');
    expect(html.dos).not.toContain('<section id="compare">');
  });

  it('travels inside the bundle, with the provenance the bundle shares', async () => {
    const file = (await exportBundle(runs.gap, join(scratch.dir, 'gap.crucible'))).file;
    const page = new TextDecoder().decode((await readBundle(file)).members.get(MEMBERS.report));
    expect(figures(page).map((f) => f.id)).toEqual(['parity-band_gap', 'confusion-is_metal', 'roc-is_metal']);
    // A bundle names its data files, not their folders, nor the machine it was trained on.
    expect(html.gap).toContain(`<td>${dataSet('matbench_expt_gap', 'expt_gap_multitask.csv')}</td>`);
    expect(page).toContain('<td>expt_gap_multitask.csv</td>');
    expect(html.gap).toContain(`<dt>machine</dt><dd>${hostname()}, `);
    expect(page).toMatch(/<dt>machine<\/dt><dd>(linux|darwin|win32) /);
  });

  it('refuses a folder that is not a run', async () => {
    await expect(runReport(scratch.dir)).rejects.toMatchObject({ code: 'not-found', message: expect.stringMatching(/is not a training run folder/) });
  });
});
