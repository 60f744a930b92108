/**
 * Journeys 1–5 on real data, in the built app's web mode in Chromium: create a project, import band gaps and
 * phonon DOS curves (and see a broken file's errors beside its rows), map tasks with validation as you type and see
 * the materials the tasks of both tables share, train while the live charts grow, then evaluate: test metrics, parity
 * plot and the DOS curve viewer; export the run as a bundle, import it into a colleague's project and predict a file
 * of new formulas there.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from '../helpers/browser';
import { createProject, goTo, pickFile, serveAndOpen, watchAttribute, type Served } from '../helpers/journey';
import { scratchDir, dataSet } from '../helpers/paths';

describe('a study from import to evaluation', () => {
  const scratch = scratchDir('crucible-e2e-study-');
  const data = dataSet();
  let app: Served;
  let page: Page;

  beforeAll(async () => {
    app = await serveAndOpen(['--allow', scratch.dir, data]);
    page = app.page;
  });
  afterAll(async () => {
    await app?.close();
    scratch.cleanup();
  });

  it('creates a project', async () => {
    await createProject(page, scratch.dir, 'Phonons and gaps');
    expect(await page.getByTestId('project-name').textContent()).toBe('Project: Phonons and gaps');
  });

  it('previews and imports the band gaps, with types and missing counts', async () => {
    await goTo(page, 'Data');
    await pickFile(page.locator('.import'), data, ['matbench_expt_gap', 'expt_gap_multitask.csv']);
    const columns = page.getByTestId('import-columns');
    await columns.getByText('band_gap_eV').waitFor();
    const gapRow = columns.locator('tr', { hasText: 'band_gap_eV' });
    expect(await gapRow.locator('td').nth(3).textContent()).toBe('317');
    expect(await columns.locator('tr', { hasText: 'formula' }).textContent()).toContain('formula');
    await screenshot(page, 'data-preview-expt-gap');
    await page.getByRole('button', { name: 'Import as “expt_gap_multitask”' }).click();
    await page.getByTestId('import-done').waitFor();
    expect(await page.getByTestId('tables').textContent()).toContain('4,921');
  });

  it('shows a broken curve file’s errors beside the offending rows and refuses it', async () => {
    const broken = join(scratch.dir, 'broken-dos.csv');
    writeFileSync(
      broken,
      'formula,dos,frequency_grid\nNaCl,"[0.1, 0.5, 1.0]","[0, 20, 40]"\nKCl,"[0.2, 1.0]","[0, 20, 40]"\nMgO,"[0.0, 0.3, 1.0]","[0, 20, 40]"\n',
    );
    await pickFile(page.locator('.import'), scratch.dir, ['broken-dos.csv']);
    await page.getByRole('button', { name: 'Add a curve' }).click();
    const bad = page.getByTestId('import-preview').locator('tr.bad');
    await bad.waitFor();
    expect(await bad.locator('td').first().textContent()).toBe('3');
    expect(await bad.textContent()).toContain('lengths differ');
    expect(await page.getByTestId('import-problems').textContent()).toContain('row 3');
    expect(await page.getByRole('button', { name: /Import as/ }).isDisabled()).toBe(true);
    await screenshot(page, 'data-import-errors');
  });

  it('imports the phonon DOS with its curve declared on the frequency grid', async () => {
    await page.getByRole('button', { name: 'Choose another file' }).click();
    await pickFile(page.locator('.import'), data, ['mp_phonon_dos', 'mp_phonon_dos.csv']);
    await page.getByRole('button', { name: 'Add a curve' }).click();
    await page.getByLabel('Curve 1 values').selectOption('dos');
    await page.getByLabel('Curve 1 x-axis').selectOption('frequency_grid');
    await page.getByTestId('import-columns').getByText('curve on frequency_grid').waitFor();
    await page
      .getByTestId('import-problems')
      .getByText(/formulas appear on several rows/)
      .waitFor();
    await screenshot(page, 'data-preview-phonon-dos');
    await page.getByRole('button', { name: 'Import as “mp_phonon_dos”' }).click();
    await page.getByTestId('import-done').waitFor();
    await page.getByTestId('tables').getByRole('button', { name: 'mp_phonon_dos' }).click();
    await page.getByTestId('table-preview').waitFor();
    expect(await page.getByTestId('tables').textContent()).toContain('dos vs frequency_grid');
    await screenshot(page, 'data-tables');
  });

  it('maps tasks with validation as you type and labelled rows per split', async () => {
    await goTo(page, 'Tasks');
    const adder = page.getByRole('region', { name: 'Add a task' });
    const add = async (table: string, column: string) => {
      await adder.getByLabel('Table to add a task from').selectOption(table);
      await adder.getByLabel('Column to predict').selectOption(column);
      await adder.getByRole('button', { name: 'Add task' }).click();
    };
    await add('mp_phonon_dos', 'dos');
    await add('mp_phonon_dos', 'volume_per_atom');
    await add('expt_gap_multitask', 'is_metal');
    const cards = page.getByTestId('task-card');
    const dos = cards.nth(0);
    expect(await dos.getByLabel('x-axis column').inputValue()).toBe('frequency_grid');
    await dos.getByLabel('Head', { exact: true }).selectOption('vec');
    await dos.getByLabel('hidden dims').fill('128, 64');
    // A third task from another table trains with the others, joined by material: the overlap matrix shows all three.
    const metal = cards.nth(2);
    await metal.getByLabel('Type').selectOption('classification');
    const overlap = page.getByTestId('task-overlap');
    await expect
      .poll(() => overlap.getByRole('img').getAttribute('aria-label'), { timeout: 20_000 })
      .toMatch(/^Materials shared between tasks: dos [\d,]+ labelled, volume_per_atom [\d,]+ labelled, is_metal [\d,]+ labelled;/);
    expect(await overlap.getByTestId('task-overlap-caption').textContent()).toMatch(/[\d,]+ materials in all; tasks of different tables/);
    // Typing a bad name is flagged beside the field.
    await cards.nth(1).getByLabel('Task name').fill('1 volume');
    await cards.nth(1).getByText('Start with a letter').waitFor();
    await screenshot(page, 'tasks-problems');
    await cards.nth(1).getByLabel('Task name').fill('volume');
    await metal.getByLabel('Enabled').uncheck();
    await expect.poll(() => page.getByTestId('tasks-state').textContent(), { timeout: 20_000 }).toBe('Unsaved changes');
    await expect.poll(() => dos.getByTestId('task-counts').textContent(), { timeout: 20_000 }).toMatch(/train [\d,]+ · validation \d+ · test \d+/);
    await page.getByRole('button', { name: 'Save tasks' }).click();
    await page.getByTestId('tasks-state').getByText('Saved', { exact: true }).waitFor();
    await screenshot(page, 'tasks-mapped');
  });

  it('trains while the live charts grow epoch by epoch, in one chart instance', async () => {
    await goTo(page, 'Train');
    await page.getByLabel('Run name').fill('dos and volume');
    await page.getByLabel('Epochs', { exact: true }).fill('30');
    await page.getByLabel('Stop early when the validation loss stalls').uncheck();
    await page.getByLabel('Compute backend').selectOption('wasm');
    await page.getByRole('button', { name: 'Start training' }).click();
    const chart = page.getByTestId('chart-total-loss');
    await chart.waitFor();
    const canvas = await chart.locator('canvas').elementHandle();
    let shotTaken = false;
    const points = await watchAttribute(chart, 'data-points', async () => {
      await page.getByTestId('epoch').waitFor();
      await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 60_000 }).toBeGreaterThan(8);
      await screenshot(page, 'train-live');
      shotTaken = true;
      await page.getByTestId('run-status').getByText('Finished').waitFor({ timeout: 120_000 });
    });
    const counts = points.map(Number);
    expect(shotTaken).toBe(true);
    expect(counts.at(-1)).toBe(30);
    // The chart saw intermediate epochs (it grew while training), and its canvas is the one created first.
    expect(counts.filter((n) => n > 0 && n < 30).length).toBeGreaterThan(3);
    expect(await canvas!.evaluate((el) => el.isConnected)).toBe(true);
    expect(Number(await page.getByTestId('chart-task-loss').getAttribute('data-points'))).toBe(30);
    await page.getByTestId('chart-weights').waitFor();
    const run = page.getByTestId('runs').locator('tr', { hasText: 'dos and volume' });
    expect(await run.textContent()).toContain('done');
    await screenshot(page, 'train-done');
  });

  it('evaluates: test metrics against the baseline, parity plot, DOS curve viewer with search and paging', async () => {
    await page.getByTestId('runs').getByRole('button', { name: 'Evaluate' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Evaluate' }).waitFor();
    const metrics = page.getByTestId('test-metrics');
    await metrics.getByText('Cosine similarity').waitFor();
    expect(await metrics.textContent()).toContain('dos');
    await page.getByTestId('parity-volume').waitFor();
    const viewer = page.getByTestId('curves-dos');
    const chart = page.getByTestId('curve-chart-dos');
    // The worst prediction is drawn first: measured and predicted curves on the real frequency axis.
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(51);
    await page.getByTestId('curve-error').getByText('mean absolute error').waitFor();
    await screenshot(page, 'evaluate-curves-worst');
    await viewer.getByRole('button', { name: 'Next →' }).click();
    await viewer.getByText('page 2 of').waitFor();
    const search = viewer.getByLabel('Find a material');
    const first = (await viewer.getByRole('list', { name: 'Test materials' }).locator('.formula').first().textContent())!;
    await search.fill(first);
    await viewer
      .getByRole('button', { name: new RegExp(`^${first.replace(/[()]/g, '\\$&')}`) })
      .first()
      .click();
    await viewer.getByRole('list', { name: 'Test materials' }).locator('button').nth(0).waitFor();
    expect(await chart.locator('[role="img"]').getAttribute('aria-label')).toContain('frequency_grid');
    const download = page.waitForEvent('download');
    await chart.getByRole('button', { name: /Save .* as PNG/ }).click();
    expect((await download).suggestedFilename()).toBe('dos-predicted-vs-measured.png');
    const csv = page.waitForEvent('download');
    await page.getByTestId('test-predictions').getByRole('button', { name: 'Save as CSV' }).click();
    expect((await csv).suggestedFilename()).toMatch(/test-predictions\.csv$/);
    await screenshot(page, 'evaluate-page');
    expect(app.errors).toEqual([]);
  });

  it('exports the run as a bundle and shows its model card', async () => {
    await goTo(page, 'Models');
    await page.getByLabel('Model name').fill('dos-volume');
    await page.getByRole('button', { name: 'Export bundle' }).click();
    await page.getByTestId('export-message').getByText('Exported “dos-volume”').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('model-card').textContent()).toContain('onnxruntime');
    expect(await page.getByTestId('models').textContent()).toContain('dos (sequence');
    await screenshot(page, 'models-exported');
  });

  it('imports the bundle into a second project, refusing a broken one plainly', async () => {
    await goTo(page, 'Projects');
    await page.getByRole('button', { name: 'Close project' }).click();
    await page.getByTestId('project-name').getByText('No project open').waitFor();
    await createProject(page, scratch.dir, 'Colleague');
    await goTo(page, 'Models');
    writeFileSync(join(scratch.dir, 'truncated.crucible'), 'PK\u0003\u0004 not really a zip');
    const picker = page.locator('section', { hasText: "Import a colleague's bundle" });
    await pickFile(picker, scratch.dir, ['truncated.crucible']);
    await page.getByRole('button', { name: 'Import bundle' }).click();
    expect(await page.getByTestId('import-error').textContent()).toContain('not a readable zip archive');
    await screenshot(page, 'models-import-refused');
    await pickFile(picker, scratch.dir, ['Phonons and gaps', 'models', 'dos-volume.crucible']);
    await page.getByRole('button', { name: 'Import bundle' }).click();
    await page.getByTestId('import-message').getByText('Imported “dos-volume”').waitFor();
  });

  it('predicts a file of new formulas: progress, result table, curves in the curve viewer', async () => {
    writeFileSync(join(scratch.dir, 'candidates.csv'), 'formula,note\nNaCl,rock salt\nMgO,periclase\nGaAs,semiconductor\nSiC,abrasive\nXyz2,typo\n');
    await goTo(page, 'Predict');
    await pickFile(page.locator('.form'), scratch.dir, ['candidates.csv']);
    await page.locator('.form').getByRole('button', { name: 'Predict', exact: true }).click();
    await page.getByTestId('predict-done').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('predict-status').textContent()).toContain('row 6');
    const table = page.getByTestId('predict-result');
    expect(await table.textContent()).toContain('GaAs');
    await screenshot(page, 'predict-result');
    const curve = page.getByTestId('curve-chart-dos');
    await expect.poll(async () => Number(await curve.getAttribute('data-points'))).toBe(51);
    expect(app.errors).toEqual([]);
  });

  it('fine-tunes the first run with LoRA and reports forgetting of its tasks', async () => {
    await goTo(page, 'Projects');
    await page.getByTestId('recent-projects').getByRole('button', { name: 'Phonons and gaps' }).click();
    await page.getByTestId('project-name').getByText('Project: Phonons and gaps').waitFor();
    await goTo(page, 'Fine-tune');
    await page
      .getByLabel('Start from')
      .selectOption({ label: (await page.getByLabel('Start from').locator('option', { hasText: 'dos and volume' }).first().textContent())! });
    await page.getByTestId('ft-source-info').waitFor();
    await page.getByLabel('Rank').fill('4');
    await page.getByLabel('Run name').fill('lora');
    await page.getByLabel('Epochs').fill('5');
    expect(await page.getByTestId('ft-heads').textContent()).toContain('continues training');
    await page.getByRole('button', { name: 'Start fine-tuning' }).click();
    const report = page.getByTestId('forgetting');
    await report.getByText('Before', { exact: true }).waitFor({ timeout: 120_000 });
    expect(await report.textContent()).toMatch(/dos\s*MAE/);
    await screenshot(page, 'finetune-lora-forgetting');
    expect(app.errors).toEqual([]);
  });
});
