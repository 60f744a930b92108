/** The built app in web mode, opened in Debian's Chromium: the shell renders, navigates, and the token guards it. */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot, watchPageErrors } from '../helpers/browser';
import { startCli } from '../helpers/cli';
import { scratchDir } from '../helpers/paths';

describe('web mode shell in Chromium', () => {
  const scratch = scratchDir('crucible-e2e-');
  const server = startCli(['serve', '--no-open', '--port', '0', '--allow', scratch.dir], { fromSource: false });
  let url: string;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    url = await server.firstLine;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = watchPageErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server.stop();
    scratch.cleanup();
  });

  it('renders the shell with its navigation and no console errors', async () => {
    await page.goto(url);
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    for (const label of ['Projects', 'Data', 'Tasks', 'Train', 'Predict', 'Models']) {
      await expect(page.getByRole('button', { name: label }).isVisible()).resolves.toBe(true);
    }
    await expect(page.getByTestId('project-name').textContent()).resolves.toBe('No project open');
    await page.getByText('web mode').waitFor();
    // The token leaves the address bar once the cookie holds it.
    expect(page.url()).not.toContain('token=');
    expect(existsSync(await screenshot(page, 'shell-projects'))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('navigates between pages, each saying what it needs before a project is open', async () => {
    await page.getByRole('button', { name: 'Train' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Train');
    await expect(page.locator('.note').textContent()).resolves.toContain('Open or create a project first');
    expect(page.url()).toMatch(/#\/train$/);
    await screenshot(page, 'shell-train-no-project');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Train');
    expect(errors).toEqual([]);
  });

  it('creates a project from the Projects page and shows its summary', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Projects' }).click();
    await page.getByLabel('Allowed folders').selectOption(scratch.dir);
    await page.getByTestId('picker-path').getByText(scratch.dir, { exact: true }).waitFor();
    await page.getByLabel('Name').fill('Band gaps');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByTestId('project-summary').waitFor();
    await expect(page.getByTestId('project-name').textContent()).resolves.toBe('Project: Band gaps');
    await expect(page.getByTestId('recent-projects').textContent()).resolves.toContain('Band gaps');
    await screenshot(page, 'projects-created');
    expect(errors).toEqual([]);
  });

  it('refuses requests without the token', async () => {
    const port = new URL(url).port;
    const response = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(response.status).toBe(401);
    const fresh = await browser.newPage();
    const visit = await fresh.goto(`http://127.0.0.1:${port}/`);
    expect(visit?.status()).toBe(401);
    await fresh.close();
  });
});
