/**
 * Real runs whose reports hold every kind of plot: a two-member expt_gap ensemble (band gap with conformal
 * intervals, metal or not with class probabilities) and a phonon DOS run (curves on the data's frequency grid);
 * and a copy of the ensemble whose names, formulas and configuration try to inject markup.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigText } from '../../../../src-main/engine/config/index';
import { loadRunData } from '../../../../src-main/engine/data/load-run-data';
import { initBackend } from '../../../../src-main/engine/model/backend';
import { trainJob } from '../../../../src-main/engine/studies/train-job';
import { DOS_RUN, GAP_RUN, trainRun } from '../export/bundle/trained-runs';

export const COVERAGE = 0.9;

export interface ReportRuns {
  gap: string;
  dos: string;
  hostile: string;
}

/** A task name, an id and a formula that would run script if the report did not escape them. */
export const HOSTILE = {
  task: 'is_<img src=x onerror=alert(1)>metal',
  id: '<script>alert("id")</script>',
  formula: '</code><script>alert("formula")</script>',
  canonical: '<b onmouseover=alert(1)>Fe2O3</b>',
  comment: '# </pre><script>alert("config")</script>',
};

export async function trainReportRuns(dir: string): Promise<ReportRuns> {
  await initBackend('wasm');
  const gap = join(dir, 'gap');
  const cfg = parseConfigText(`${GAP_RUN}\nensemble: { size: 2, coverage: ${COVERAGE} }\n`, { baseDir: dir });
  await trainJob({ config: cfg, data: await loadRunData(cfg), runDir: gap }, { emit: () => {}, signal: new AbortController().signal });
  const dos = await trainRun(DOS_RUN, join(dir, 'dos'));

  const hostile = join(dir, 'hostile');
  cpSync(gap, hostile, { recursive: true });
  const edit = (file: string, change: (text: string) => string) => writeFileSync(join(hostile, file), change(readFileSync(join(hostile, file), 'utf8')));
  for (const file of ['run.json', 'metrics.json', 'predictions/test.csv']) edit(file, (t) => t.replaceAll('is_metal', HOSTILE.task));
  edit('config.yaml', (t) => `${HOSTILE.comment}\n${t}`);
  // The first test row: hostile id, formula and canonical formula, and a band gap so wrong that the largest errors list it.
  edit('predictions/test.csv', (t) => {
    const lines = t.split('\n');
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    lines[1] = [quote(HOSTILE.id), quote(HOSTILE.formula), quote(HOSTILE.canonical), '1000', ...lines[1].split(',').slice(4)].join(',');
    return lines.join('\n');
  });
  return { gap, dos, hostile };
}
