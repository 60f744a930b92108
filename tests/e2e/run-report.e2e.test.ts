/**
 * Run reports opened from disk in Debian's Chromium with the network off, as a colleague opens an e-mailed file:
 * every plot shows, laid out inside the page, nothing is fetched, nothing errs, and hostile names run nothing.
 * Screenshots: test-results/run-report.png (an ensemble with intervals, a classifier), run-report-curves.png.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport, sourceSteps } from '../../src-main/engine/report/index';
import { launchChromium, screenshot, watchPageErrors } from '../helpers/browser';
import { scratchDir } from '../helpers/paths';
import { trainReportRuns, type ReportRuns } from '../unit/engine/report/report-runs';

const WIDTH = 1280;

describe('run reports in Chromium, offline', () => {
  const scratch = scratchDir('crucible-e2e-report-');
  const files = {} as Record<keyof ReportRuns, string>;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    const runs = await trainReportRuns(scratch.dir);
    for (const name of ['gap', 'dos', 'hostile'] as const) {
      files[name] = join(scratch.dir, `${name}.html`);
      writeFileSync(files[name], await runReport(runs[name], { steps: sourceSteps(runs[name]) }));
    }
    browser = await launchChromium();
    context = await browser.newContext({ offline: true, viewport: { width: WIDTH, height: 900 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    scratch.cleanup();
  });

  /** Opens a report, recording every request besides the file itself and every dialog a script would open. */
  async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[]; dialogs: string[] }> {
    const page = await context.newPage();
    const errors = watchPageErrors(page);
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (r) => r.url() !== `file://${file}` && requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`file://${file}`);
    return { page, errors, requests, dialogs };
  }

  /** Each plot's id and drawn size; every one must be drawn, with marks, inside the page's width. */
  async function expectPlotsShown(page: Page, ids: (string | RegExp)[]): Promise<void> {
    const figures = page.locator('figure.plot');
    await expect(figures.count()).resolves.toBe(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const figure = figures.nth(i);
      const id = (await figure.getAttribute('data-plot'))!;
      if (typeof ids[i] === 'string') expect(id).toBe(ids[i]);
      else expect(id).toMatch(ids[i]);
      const svg = figure.locator('svg');
      await expect(svg.isVisible(), id).resolves.toBe(true);
      const box = (await svg.boundingBox())!;
      expect(box.width, id).toBeGreaterThan(250);
      expect(box.height, id).toBeGreaterThan(150);
      expect(box.x + box.width, id).toBeLessThanOrEqual(WIDTH);
      await expect(svg.locator('path').count(), id).resolves.toBeGreaterThanOrEqual(4);
      await expect(svg.locator('text').count(), id).resolves.toBeGreaterThan(4);
    }
  }

  it('shows the parity plot with intervals, the confusion matrix and the ROC curve of an ensemble run', async () => {
    const { page, errors, requests } = await open(files.gap);
    await expect(page.title()).resolves.toBe('gap — Crucible run report');
    await expectPlotsShown(page, ['parity-band_gap', 'confusion-is_metal', 'roc-is_metal']);
    await expect(page.getByRole('img', { name: /^Parity plot of band_gap/ }).isVisible()).resolves.toBe(true);
    await expect(page.locator('#metrics table tbody tr').count()).resolves.toBe(7);
    await expect(page.locator('#ensemble').getByText('2 members, each trained from its own seed').isVisible()).resolves.toBe(true);
    // Nothing overflows the page sideways.
    await expect(page.locator('html').evaluate((el) => el.scrollWidth)).resolves.toBeLessThanOrEqual(WIDTH);
    await screenshot(page, 'run-report');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('shows a curve run: six measured and predicted curves and the loss per epoch', async () => {
    const { page, errors, requests } = await open(files.dos);
    await expectPlotsShown(page, [...Array.from({ length: 6 }, () => /^curve-phonon_dos-\d+$/), 'history']);
    await expect(page.locator('html').evaluate((el) => el.scrollWidth)).resolves.toBeLessThanOrEqual(WIDTH);
    await screenshot(page, 'run-report-curves');
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('shows hostile names, ids and formulas as text and runs none of them', async () => {
    const { page, errors, requests, dialogs } = await open(files.hostile);
    await expect(page.locator('script, img, b').count()).resolves.toBe(0);
    await expect(page.getByText('</code><script>alert("formula")</script>', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('heading', { name: /is_<img src=x onerror=alert\(1\)>metal/ }).isVisible()).resolves.toBe(true);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});
