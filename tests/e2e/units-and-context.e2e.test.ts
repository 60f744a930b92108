/**
 * Units, counts and context, in the built app's web mode in Chromium, on the phonon data set (one table: each
 * material's volume per atom, and for a quarter of them a measured DOS curve): the Tasks page proposes a unit from the
 * column name and the user confirms it; a short run shows it on the Evaluate axes, table headers and exported figures;
 * the DOS viewer counts the materials with a measured curve apart from the predicted-only ones; the Predict page saves
 * beside the input with every input column kept, and asks before replacing that file.
 * Screenshots: test-results/units-tasks-proposed.png, units-tasks-confirmed.png, units-evaluate.png,
 * units-dos-predicted-only.png, units-parity-export.png (the exported PNG itself), units-predict.png, units-predict-replace.png.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { artifactsDir, screenshot } from '../helpers/browser';
import { createProject, goTo, pickFile, serveAndOpen, type Served } from '../helpers/journey';
import { dataSet, scratchDir } from '../helpers/paths';

const ROWS = 800;

/** phonons.csv: formula, volume_per_atom_A3, the frequency grid and, on every fourth row only, the DOS curve on it. */
function writeTable(dir: string): number {
  const lines = readFileSync(dataSet('mp_phonon_dos', 'mp_phonon_dos.csv'), 'utf8').trim().split(/\r?\n/);
  // Quoted list cells hold commas: split on the commas outside quotes.
  const cells = (line: string) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ''));
  const header = cells(lines[0]);
  const [formula, volume, dos, grid] = ['formula', 'volume_per_atom', 'dos', 'frequency_grid'].map((c) => header.indexOf(c));
  const rows = lines.slice(1, ROWS + 1).map(cells);
  const out = rows.map((r, i) => [r[formula], r[volume], i % 4 === 0 ? r[dos] : '', r[grid]].join(','));
  writeFileSync(join(dir, 'phonons.csv'), ['formula,volume_per_atom_A3,dos,frequency_grid', ...out].join('\n') + '\n');
  return rows.length;
}

const saved = async (download: Promise<Download>, name: string): Promise<string> => {
  const path = join(artifactsDir, name);
  await (await download).saveAs(path);
  return path;
};

describe('units, counts and context', () => {
  const scratch = scratchDir('crucible-e2e-units-');
  let app: Served;
  let page: Page;

  beforeAll(async () => {
    writeTable(scratch.dir);
    writeFileSync(join(scratch.dir, 'candidates.csv'), 'sample_id,formula,batch,note\nc1,NaCl,7,rock salt\nc2,MgO,7,periclase\nc3,GaAs,8,semiconductor\n');
    app = await serveAndOpen(['--allow', scratch.dir]);
    page = app.page;
  });
  afterAll(async () => {
    await app?.close();
    scratch.cleanup();
  });

  it('imports the table with its curve', async () => {
    await createProject(page, scratch.dir, 'Units');
    await goTo(page, 'Data');
    await pickFile(page.locator('.import'), scratch.dir, ['phonons.csv']);
    await page.getByRole('button', { name: 'Add a curve' }).click();
    await page.getByLabel('Curve 1 values').selectOption('dos');
    await page.getByLabel('Curve 1 x-axis').selectOption('frequency_grid');
    await page.getByTestId('import-columns').getByText('curve on frequency_grid').waitFor();
    await page.getByRole('button', { name: 'Import as “phonons”' }).click();
    await page.getByTestId('import-done').getByText(`Imported ${ROWS} rows into “phonons”`).waitFor();
  });

  it('proposes a unit from the column name, which the user confirms', async () => {
    await goTo(page, 'Tasks');
    const adder = page.getByRole('region', { name: 'Add a task' });
    for (const column of ['volume_per_atom_A3', 'dos']) {
      await adder.getByLabel('Column to predict').selectOption(column);
      await adder.getByRole('button', { name: 'Add task' }).click();
    }
    const [volume, dos] = [0, 1].map((i) => page.getByTestId('task-card').nth(i));
    await dos.getByLabel('Head', { exact: true }).selectOption('vec');
    // Proposed, not confirmed: shown as such, and not what a run would carry.
    expect(await volume.getByLabel('Unit').inputValue()).toBe('Å³');
    expect(await volume.getByTestId('unit-proposed').textContent()).toContain('proposed from the column name, not yet confirmed');
    // A column whose name spells no unit proposes none.
    expect(await dos.getByLabel('Unit').inputValue()).toBe('');
    expect(await dos.getByTestId('unit-proposed').count()).toBe(0);
    await expect.poll(() => volume.getByTestId('task-counts').textContent(), { timeout: 20_000 }).toMatch(/train [\d,]+ · validation \d+ · test \d+/);
    await screenshot(page, 'units-tasks-proposed');
    await volume.getByRole('button', { name: 'Confirm Å³' }).click();
    expect(await volume.getByTestId('unit-proposed').count()).toBe(0);
    expect(await volume.getByLabel('Unit').inputValue()).toBe('Å³');
    await page.getByRole('button', { name: 'Save tasks' }).click();
    await page.getByTestId('tasks-state').getByText('Saved', { exact: true }).waitFor();
    await screenshot(page, 'units-tasks-confirmed');
  });

  it('trains both tasks in one short run', async () => {
    await goTo(page, 'Train');
    await page.getByLabel('Run name').fill('units');
    await page.getByLabel('Epochs', { exact: true }).fill('6');
    await page.getByLabel('Stop early when the validation loss stalls').uncheck();
    await page.getByLabel('Compute backend').selectOption('wasm');
    await page.getByText('More settings').click();
    await page.getByLabel('Shared encoder widths').fill('64, 32');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('run-status').getByText('Finished').waitFor({ timeout: 150_000 });
  });

  it('shows the unit on the Evaluate axes, headers and exported figures, and counts measured and predicted-only curves apart', async () => {
    await page.getByTestId('runs').getByRole('button', { name: 'Evaluate' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Evaluate' }).waitFor();
    const metrics = page.getByTestId('test-metrics');
    await metrics.getByText('MAE (Å³)').waitFor();
    const parity = page.getByTestId('parity-volume_per_atom_A3');
    expect(await parity.locator('figcaption').textContent()).toContain('Parity — volume_per_atom_A3 (Å³)');
    expect(await parity.locator('[role="img"]').getAttribute('aria-label')).toContain('measured volume_per_atom_A3 (Å³)');
    expect(await page.getByTestId('test-predictions').locator('th', { hasText: 'volume_per_atom_A3 predicted' }).textContent()).toBe(
      'volume_per_atom_A3 predicted (Å³)',
    );

    // The exported figures carry the title and the axes with their unit.
    const svgDownload = page.waitForEvent('download');
    await parity.getByRole('button', { name: /Save .* as SVG/ }).click();
    const svgFile = await saved(svgDownload, 'units-parity-export.svg');
    const svgText = readFileSync(svgFile, 'utf8');
    expect((await svgDownload).suggestedFilename()).toBe('parity-volume-per-atom-a3.svg');
    expect(svgText).toMatch(/^<svg/);
    for (const text of ['Parity — volume_per_atom_A3 (Å³)', 'measured volume_per_atom_A3 (Å³)', 'predicted volume_per_atom_A3 (Å³)'])
      expect(svgText).toContain(text);
    const pngDownload = page.waitForEvent('download');
    await parity.getByRole('button', { name: /Save .* as PNG/ }).click();
    const png = readFileSync(await saved(pngDownload, 'units-parity-export.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    // The test rows hold every material; only a quarter has a measured curve.
    const rows = Number((await page.getByText(/\d+ test rows, split by formula/).textContent())!.match(/(\d+) test rows/)![1]);
    const counts = page.getByTestId('curve-counts-dos');
    const [, measured, predictedOnly] = (await counts.textContent())!
      .match(/^\s*([\d,]+) measured · ([\d,]+) predicted only\s*$/)!
      .map((s) => s.replace(/,/g, ''));
    expect(Number(measured) + Number(predictedOnly)).toBe(rows);
    expect(Number(measured)).toBeGreaterThan(0);
    expect(Number(predictedOnly)).toBeGreaterThan(Number(measured));
    const viewer = page.getByTestId('curves-dos');
    await expect.poll(async () => viewer.getByText(/page 1 of \d+ · \d+ materials/).textContent()).toContain(`· ${measured} materials`);
    await screenshot(page, 'units-evaluate');
    await viewer.getByLabel('Predicted only').check();
    await expect.poll(async () => viewer.getByText(/page 1 of \d+ · \d+ materials/).textContent()).toContain(`· ${predictedOnly} materials`);
    expect(await viewer.getByRole('list', { name: 'Test materials' }).getByText('predicted only').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('curve-chart-dos').locator('figcaption').textContent()).toContain('dos: predicted curves');
    await viewer.scrollIntoViewIfNeeded();
    await screenshot(page, 'units-dos-predicted-only');
    expect(app.errors).toEqual([]);
  });

  it('exports the run and predicts a file: saved beside it, every column kept, replaced only when agreed', async () => {
    await goTo(page, 'Models');
    await page.getByLabel('Model name').fill('units-model');
    await page.getByRole('button', { name: 'Export bundle' }).click();
    await page.getByTestId('export-message').getByText('Exported “units-model”').waitFor({ timeout: 60_000 });

    await goTo(page, 'Predict');
    const form = page.locator('.form');
    await pickFile(form, scratch.dir, ['candidates.csv']);
    const beside = join(scratch.dir, 'candidates.predictions.csv');
    expect(await page.getByTestId('predict-save-path').textContent()).toBe(beside);
    await form.getByRole('button', { name: 'Predict', exact: true }).click();
    await page.getByTestId('predict-done').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('predict-done').textContent()).toContain(`saved to ${beside}`);
    const header = readFileSync(beside, 'utf8').split('\n')[0];
    expect(header).toMatch(/^sample_id,formula,formula_canonical,batch,note,volume_per_atom_A3,/);
    const table = page.getByTestId('predict-result');
    for (const name of ['sample_id', 'batch', 'note', 'volume_per_atom_A3 (Å³)']) await table.locator('th', { hasText: name }).first().waitFor();
    expect(await table.textContent()).toContain('periclase');
    await screenshot(page, 'units-predict');

    // Again, to the same file: asked first, replaced on yes.
    writeFileSync(beside, 'my notes\n');
    await form.getByRole('button', { name: 'Predict', exact: true }).click();
    const asked = page.getByTestId('predict-exists');
    await asked.getByText(`${beside} already exists. Replace it?`).waitFor({ timeout: 60_000 });
    expect(readFileSync(beside, 'utf8')).toBe('my notes\n');
    await screenshot(page, 'units-predict-replace');
    await asked.getByRole('button', { name: 'Replace it' }).click();
    await page.getByTestId('predict-done').waitFor({ timeout: 60_000 });
    expect(readFileSync(beside, 'utf8')).toMatch(/^sample_id,formula,/);
    expect(app.errors).toEqual([]);
  });
});
