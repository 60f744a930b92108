/** Steps the end-to-end journeys share: a served app in Chromium, folder-picker navigation, waiting on live values. */
import type { Browser, Locator, Page } from 'playwright-core';
import { launchChromium, watchPageErrors } from './browser';
import { startCli } from './cli';

export interface Served {
  url: string;
  browser: Browser;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

/** `crucible serve` of the built app with `args`, and a Chromium page on it at `viewport`. */
export async function serveAndOpen(args: string[], viewport = { width: 1280, height: 800 }): Promise<Served> {
  const server = startCli(['serve', '--no-open', '--port', '0', ...args], { fromSource: false });
  const url = await server.firstLine;
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  const errors = watchPageErrors(page);
  await page.goto(url);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  return {
    url,
    browser,
    page,
    errors,
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/** Opens `file` in a folder picker: picks the allowed root holding it, then clicks down the folders. */
export async function pickFile(picker: Locator, root: string, relativePath: string[]): Promise<void> {
  await picker.getByLabel('Allowed folders').selectOption(root);
  await picker.getByTestId('picker-path').getByText(root, { exact: true }).waitFor();
  for (const name of relativePath) {
    await picker.getByRole('button', { name, exact: false }).filter({ hasText: name }).first().click();
  }
}

/** Creates a project named `name` in `folder` (one of the server's allowed folders) from the Projects page. */
export async function createProject(page: Page, folder: string, name: string): Promise<void> {
  await page.getByLabel('Allowed folders').first().selectOption(folder);
  await page.getByTestId('picker-path').getByText(folder, { exact: true }).waitFor();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create project' }).click();
  await page.getByTestId('project-summary').waitFor();
}

/** Goes to a page through the navigation bar and waits for its heading. */
export async function goTo(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: label }).waitFor();
}

/** Every distinct value an attribute took while `until` was pending (polled every 40 ms). */
export async function watchAttribute(locator: Locator, attribute: string, until: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  let done = false;
  const finished = until().finally(() => (done = true));
  while (!done) {
    const value = await locator.getAttribute(attribute).catch(() => null);
    if (value !== null && seen.at(-1) !== value) seen.push(value);
    await new Promise((r) => setTimeout(r, 40));
  }
  await finished;
  return seen;
}
