/**
 * Files, windows and words, as a new user meets them in the web mode: the folder picker's path field and allowed
 * folders, a decimal-comma CSV read as numbers (and read another way in one click), settings problems in the
 * words of the screen, an empty number field, leaving unsaved task edits, a project opened after another starting
 * from its own state, and every page at 1024×700 and 1920×1080 without sideways scrolling, the demo saying it is one.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from '../helpers/browser';
import { goTo, pickFile, serveAndOpen, type Served } from '../helpers/journey';
import { dataSet, scratchDir } from '../helpers/paths';

const PAGES = ['Projects', 'Data', 'Tasks', 'Train', 'Evaluate', 'Fine-tune', 'Predict', 'Models'];
const VIEWPORTS = [
  { width: 1024, height: 700 },
  { width: 1920, height: 1080 },
];

/** Real rows of the multi-property data set as a European spreadsheet writes them: `;` between fields, `,` as the decimal mark. */
function europeanCsv(rows: number): string {
  const [header, ...lines] = readFileSync(dataSet('mp_multiproperty', 'mp_multiproperty.csv'), 'utf8').trim().split('\n');
  const eu = lines.slice(0, rows).map((l) =>
    l
      .split(',')
      .map((f, j) => (j === 0 ? f : f.replace('.', ',')))
      .join(';'),
  );
  return `${[header.split(',').join(';'), ...eu].join('\r\n')}\r\n`;
}

/** How far the page scrolls sideways: document.documentElement.scrollWidth beyond the window's width (0 when it fits). */
const sidewaysOverflow = async (page: Page) => (await page.locator('html').evaluate((html) => html.scrollWidth)) - page.viewportSize()!.width;

describe('files, windows and words', () => {
  const scratch = scratchDir('crucible-e2e-words-');
  const lab = join(scratch.dir, 'lab');
  let app: Served;
  let page: Page;
  const dialogs: string[] = [];
  /** How the next confirm dialog is answered. */
  let answer = false;

  beforeAll(async () => {
    mkdirSync(join(lab, 'measurements'), { recursive: true });
    writeFileSync(join(lab, 'measurements', 'elastic_eu.csv'), europeanCsv(120));
    app = await serveAndOpen(['--demo', '--allow', scratch.dir], VIEWPORTS[0]);
    page = app.page;
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void (answer ? d.accept() : d.dismiss());
    });
    await page.getByTestId('project-summary').waitFor();
  });
  afterAll(async () => {
    await app?.close();
    scratch.cleanup();
  });

  it('the folder picker lists the allowed folders, names --allow and takes a typed path', async () => {
    const picker = page.locator('.picker').first();
    const roots = await picker.getByLabel('Allowed folders').locator('option').allTextContents();
    expect(roots).toContain(scratch.dir);
    expect(await picker.getByTestId('picker-allowed').textContent()).toMatch(/--allow/);
    await picker.getByLabel('Folder path').fill(join(lab, 'measurements'));
    await picker.getByRole('button', { name: 'Go' }).click();
    await picker.getByTestId('picker-path').getByText(join(lab, 'measurements'), { exact: true }).waitFor();
    await picker.getByLabel('Folder path').fill('/etc');
    await picker.getByLabel('Folder path').press('Enter');
    expect(await picker.getByRole('alert').textContent()).toMatch(/outside the folders/);
    await screenshot(page, 'words-folder-picker');
  });

  it('previews a decimal-comma CSV as numbers, says how it read it, and reads it another way in one click', async () => {
    await goTo(page, 'Data');
    await pickFile(page.locator('.picker'), scratch.dir, ['lab', 'measurements', 'elastic_eu.csv']);
    const reading = page.getByTestId('import-reading');
    await reading.waitFor();
    expect(await reading.getByLabel('Delimiter').inputValue()).toBe(';');
    expect(await reading.getByRole('button', { name: 'comma (1,5)' }).getAttribute('aria-pressed')).toBe('true');
    const kindOf = (column: string) => page.getByTestId('import-columns').locator('tr', { hasText: column }).locator('td').nth(2).textContent();
    expect(await kindOf('e_above_hull_eV_atom')).toBe('numbers');
    await screenshot(page, 'words-decimal-comma-preview');
    await reading.getByRole('button', { name: 'point (1.5)' }).click();
    await expect.poll(() => kindOf('e_above_hull_eV_atom')).toBe('text');
    await reading.getByRole('button', { name: 'comma (1,5)' }).click();
    await expect.poll(() => kindOf('e_above_hull_eV_atom')).toBe('numbers');
    await page.getByRole('button', { name: 'Choose another file' }).click();
  });

  it('names a settings problem as the screen labels the field, and an empty number field asks for a number', async () => {
    await goTo(page, 'Train');
    await page.getByText('More settings').click();
    const batch = page.getByLabel('Batch size', { exact: true });
    await batch.fill('0');
    await page.getByText('Batch size must be a whole number of at least 1.').waitFor();
    expect(await page.getByText(/batchSize|expected number/).count()).toBe(0);
    await batch.fill('');
    await page.getByText('Enter a number for Batch size.').waitFor();
    expect(await batch.inputValue()).toBe('');
    expect(await page.locator('.settings').textContent()).not.toContain('NaN');
    expect(await page.getByRole('button', { name: 'Start training' }).isDisabled()).toBe(true);
    // Closed, the section still says why Start is off.
    await page.getByText('More settings').click();
    // The details element reports its toggle asynchronously, so wait for the section to show it.
    await expect.poll(() => page.getByTestId('hidden-problem').allTextContents()).toEqual(['Enter a number for Batch size.']);
    await screenshot(page, 'words-train-problems');
    await page.getByText('More settings').click();
    await batch.fill('64');
    await expect.poll(() => page.getByTestId('hidden-problem').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start training' }).isDisabled()).toBe(false);
  });

  it('asks before leaving the Tasks page with unsaved edits, and keeps them when the answer is no', async () => {
    await goTo(page, 'Tasks');
    const first = page.getByTestId('task-card').first();
    await first.getByLabel('Enabled').uncheck();
    await page.getByTestId('tasks-state').getByText('Unsaved changes').waitFor();
    answer = false;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toBe('The Tasks page has unsaved changes. Leave without saving them?');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Tasks');
    expect(await first.getByLabel('Enabled').isChecked()).toBe(false);
    answer = true;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Train', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Train' }).waitFor();
    expect(dialogs).toHaveLength(2);
    // Nothing was saved: the task is still enabled, and nothing asks when leaving again.
    await goTo(page, 'Tasks');
    await page.getByTestId('tasks-state').getByText('No changes').waitFor();
    expect(await page.getByTestId('task-card').first().getByLabel('Enabled').isChecked()).toBe(true);
    await goTo(page, 'Data');
    expect(dialogs).toHaveLength(2);
  });

  it('trains and exports a short demo run, then a project opened next shows nothing of the demo', async () => {
    await goTo(page, 'Train');
    await page.getByLabel('Run name').fill('quick');
    await page.getByLabel('Epochs', { exact: true }).fill('3');
    await page.getByLabel('Compute backend').selectOption('wasm');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('run-status').getByText('Finished').waitFor({ timeout: 150_000 });
    // A model too, so that the Predict and Models pages have something to show in the screenshots below.
    await goTo(page, 'Models');
    await page.getByRole('button', { name: 'Export bundle' }).click();
    await page.getByTestId('export-message').waitFor({ timeout: 60_000 });
    await goTo(page, 'Data');
    await page.getByTestId('tables').getByRole('button', { name: 'materials' }).click();
    await page.getByTestId('table-preview').waitFor();

    await goTo(page, 'Projects');
    await page.getByLabel('Allowed folders').first().selectOption(scratch.dir);
    await page.getByTestId('picker-path').first().getByText(scratch.dir, { exact: true }).waitFor();
    await page.getByLabel('Name').fill('Elastic');
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect.poll(() => page.getByTestId('project-name').textContent()).toBe('Project: Elastic');
    expect(await page.getByTestId('demo-banner').count()).toBe(0);

    await goTo(page, 'Train');
    expect(await page.getByTestId('run-status').textContent()).not.toMatch(/quick|band_gap/);
    expect(await page.getByTestId('chart-total-loss').count()).toBe(0);
    await page.getByText('Start a run to see its losses').waitFor();
    await goTo(page, 'Data');
    expect(await page.getByTestId('table-preview').count()).toBe(0);
    await goTo(page, 'Evaluate');
    await page.getByText('No finished runs yet').waitFor();
  });

  it('imports the decimal-comma file into the new project as numbers', async () => {
    await goTo(page, 'Data');
    await pickFile(page.locator('.picker'), scratch.dir, ['lab', 'measurements', 'elastic_eu.csv']);
    await page.getByTestId('import-reading').waitFor();
    await page.getByRole('button', { name: /^Import as/ }).click();
    await page.getByTestId('import-done').waitFor();
    const preview = page.getByTestId('table-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toMatch(/\d\.\d/);
  });

  for (const viewport of VIEWPORTS) {
    it(`shows every page at ${viewport.width}×${viewport.height} without sideways scrolling, the demo saying it is one`, async () => {
      await page.setViewportSize(viewport);
      await goTo(page, 'Projects');
      await page.getByTestId('recent-projects').getByRole('button', { name: 'Demo project' }).click();
      await page.getByTestId('demo-banner').waitFor();
      for (const label of PAGES) {
        await goTo(page, label);
        // Charts and tables fill in after the page shows.
        await page.waitForTimeout(label === 'Evaluate' || label === 'Train' ? 1500 : 400);
        expect(await page.getByTestId('demo-banner').isVisible(), `${label}: demo banner`).toBe(true);
        expect(await sidewaysOverflow(page), `${label} at ${viewport.width}×${viewport.height}`).toBeLessThanOrEqual(0);
        await screenshot(page, `windows-${viewport.width}x${viewport.height}-${label.toLowerCase()}`);
      }
      expect(app.errors).toEqual([]);
    });
  }
});
