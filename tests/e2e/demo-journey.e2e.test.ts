/**
 * Journey 9 and the evaluation plots of every task type, at 1920×1080: `crucible serve --demo` creates the demo
 * project from resources/demo on first start and opens it ready to train; a short run then shows the band-gap
 * parity plot, the metal/non-metal confusion matrix and ROC panel, and the phonon DOS curve viewer; a two-member
 * ensemble then adds the band gap's intervals (error bars in the parity plot) and the members' own metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { screenshot } from '../helpers/browser';
import { goTo, serveAndOpen, type Served } from '../helpers/journey';

describe('the demo project, ready to train', () => {
  let app: Served;
  let page: Page;

  beforeAll(async () => {
    app = await serveAndOpen(['--demo'], { width: 1920, height: 1080 });
    page = app.page;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('opens the demo project with its table and three tasks mapped', async () => {
    await page.getByTestId('project-summary').waitFor();
    expect(await page.getByTestId('project-name').textContent()).toBe('Project: Demo project');
    const summary = await page.getByTestId('project-summary').textContent();
    expect(summary).toContain('1,839');
    expect(summary).toContain('dos vs frequency_grid');
    await screenshot(page, 'demo-projects');
    await goTo(page, 'Tasks');
    await expect.poll(() => page.getByTestId('task-card').count()).toBe(3);
    await expect
      .poll(() => page.getByTestId('task-counts').allTextContents(), { timeout: 20_000 })
      .toEqual([
        expect.stringMatching(/^Labelled rows: train [\d,]+/),
        expect.stringMatching(/^Labelled rows: train [\d,]+/),
        expect.stringMatching(/^Labelled rows: train [\d,]+/),
      ]);
    await screenshot(page, 'demo-tasks');
  });

  it('trains the three tasks together', async () => {
    await goTo(page, 'Train');
    await page.getByLabel('Epochs', { exact: true }).fill('12');
    await page.getByLabel('Compute backend').selectOption('wasm');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page
      .getByTestId('run-status')
      .getByText(/Finished|Cancelled/)
      .waitFor({ timeout: 120_000 });
    for (const task of ['band_gap', 'is_metal', 'phonon_dos'])
      expect(Number(await page.getByTestId(`chart-metrics-${task}`).getAttribute('data-points'))).toBeGreaterThan(0);
    await screenshot(page, 'demo-train-1920');
  });

  it('evaluates every kind of task: parity, confusion matrix and ROC, curves', async () => {
    await goTo(page, 'Evaluate');
    await page.getByTestId('parity-band_gap').waitFor();
    await page.getByTestId('confusion-is_metal').waitFor();
    expect(await page.getByTestId('roc-is_metal').textContent()).toMatch(/ROC/);
    const curve = page.getByTestId('curve-chart-phonon_dos');
    await expect.poll(async () => Number(await curve.getAttribute('data-points'))).toBe(51);
    const viewer = page.getByTestId('curves-phonon_dos');
    const materials = viewer.getByRole('list', { name: 'Test materials' }).getByRole('button');
    await materials.nth(1).click();
    await materials.nth(2).click();
    expect(await curve.locator('[role="img"]').getAttribute('aria-label')).toMatch(/of .+, .+, .+ against frequency_grid/);
    await screenshot(page, 'demo-evaluate-1920');
    expect(app.errors).toEqual([]);
  });

  it('trains a two-member ensemble and shows its band-gap intervals, error bars and members', async () => {
    await goTo(page, 'Train');
    await page.getByLabel('Run name').fill('ensemble');
    await page.getByLabel('Epochs', { exact: true }).fill('3');
    await page.getByLabel('Ensemble', { exact: true }).fill('2');
    expect(await page.getByLabel('Coverage', { exact: true }).inputValue()).toBe('0.9');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('member').filter({ hasText: 'Member 2 of 2' }).waitFor({ timeout: 120_000 });
    await screenshot(page, 'train-ensemble');
    await page.getByTestId('run-status').getByText('Finished').waitFor({ timeout: 120_000 });

    await goTo(page, 'Evaluate');
    const run = page.getByLabel('Run', { exact: true });
    await run.selectOption((await run.locator('option', { hasText: 'ensemble' }).getAttribute('value'))!);
    const line = page.getByTestId('interval-band_gap');
    await line.waitFor();
    expect(await line.textContent()).toMatch(/^90 % intervals: \d+(\.\d)? % of \d+ test rows inside, mean width \d/);
    expect(await page.getByTestId('interval-is_metal').count()).toBe(0);
    const parity = page.getByTestId('parity-band_gap');
    expect(await parity.locator('[role="img"]').getAttribute('aria-label')).toContain("Vertical bars: each row's 90 % interval.");
    const members = page.getByTestId('ensemble-members').locator('tbody tr');
    expect(await members.allTextContents()).toEqual([
      expect.stringMatching(/^Member 1\s*42/),
      expect.stringMatching(/^Member 2\s*\d+/),
      expect.stringMatching(/^Ensemble of 2/),
    ]);
    await parity.scrollIntoViewIfNeeded();
    await screenshot(page, 'evaluate-ensemble');
    await page.getByLabel('Show intervals in the parity plot').uncheck();
    expect(await parity.locator('[role="img"]').getAttribute('aria-label')).not.toContain('Vertical bars');
    expect(app.errors).toEqual([]);
  });
});
