/**
 * One run over two tables, in the built app's web mode in Chromium: a stability table and an elastic table of
 * Materials Project data whose formulas are spelled differently (reversed element order, some scaled: Fe2O3 is
 * O6Fe4 there) are imported, one task mapped from each, the Tasks page shows the materials they share once joined
 * by canonical formula, and a short run trains both tasks together and evaluates each on its own test rows.
 * Screenshots: test-results/tasks-overlap.png, evaluate-joined.png.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { formulaKey } from '../../src-main/engine/data/formula/canonical';
import { parseFormula } from '../../src-main/engine/data/formula/parse-formula';
import { elementSymbol } from '../../src-main/engine/data/formula/periodic-table';
import { screenshot } from '../helpers/browser';
import { createProject, goTo, pickFile, serveAndOpen, type Served } from '../helpers/journey';
import { dataSet, scratchDir } from '../helpers/paths';

/** Materials in both tables, only in the stability table, and only in the elastic table. */
const BOTH = 1000;
const STABILITY_ONLY = 500;
const ELASTIC_ONLY = 200;

/** `formula` written in reverse element order, every other one with its amounts doubled: the same material, spelled apart. */
function respell(formula: string, doubled: boolean): string {
  const { elements, amounts } = parseFormula(formula);
  return elements
    .map((z, i) => ({ symbol: elementSymbol(z), amount: amounts[i] * (doubled ? 2 : 1) }))
    .reverse()
    .map(({ symbol, amount }) => `${symbol}${amount === 1 ? '' : amount}`)
    .join('');
}

/** stability.csv (formula, e_above_hull_eV_atom) and elastic.csv (respelled formula, bulk_modulus_GPa) from mp_multiproperty. */
function writeTables(dir: string): { stability: string[]; elastic: string[] } {
  const [header, ...lines] = readFileSync(dataSet('mp_multiproperty', 'mp_multiproperty.csv'), 'utf8').trim().split('\n');
  const col = header.split(',');
  const rows = lines.map((l) => l.split(','));
  const [formula, bulk, hull] = ['formula', 'bulk_modulus_GPa', 'e_above_hull_eV_atom'].map((c) => col.indexOf(c));
  const elastic = rows.filter((r) => r[bulk] !== '').slice(0, BOTH + ELASTIC_ONLY);
  const stability = [...elastic.slice(0, BOTH), ...rows.filter((r) => r[bulk] === '').slice(0, STABILITY_ONLY)];
  writeFileSync(join(dir, 'stability.csv'), ['formula,e_above_hull_eV_atom', ...stability.map((r) => `${r[formula]},${r[hull]}`)].join('\n') + '\n');
  const respelled = elastic.map((r, i) => respell(r[formula], i % 2 === 1));
  writeFileSync(join(dir, 'elastic.csv'), ['formula,bulk_modulus_GPa', ...elastic.map((r, i) => `${respelled[i]},${r[bulk]}`)].join('\n') + '\n');
  return { stability: stability.map((r) => r[formula]), elastic: respelled };
}

describe('one run over two tables joined by formula', () => {
  const scratch = scratchDir('crucible-e2e-joined-');
  let formulas: { stability: string[]; elastic: string[] };
  let app: Served;
  let page: Page;

  beforeAll(async () => {
    formulas = writeTables(scratch.dir);
    app = await serveAndOpen(['--allow', scratch.dir]);
    page = app.page;
  });
  afterAll(async () => {
    await app?.close();
    scratch.cleanup();
  });

  it('creates a project and imports both tables', async () => {
    await createProject(page, scratch.dir, 'Stability and elasticity');
    await goTo(page, 'Data');
    for (const [table, rows] of [
      ['stability', BOTH + STABILITY_ONLY],
      ['elastic', BOTH + ELASTIC_ONLY],
    ] as const) {
      await pickFile(page.locator('.import'), scratch.dir, [`${table}.csv`]);
      await page.getByRole('button', { name: `Import as “${table}”` }).click();
      await page
        .getByTestId('import-done')
        .getByText(`Imported ${rows.toLocaleString('en')} rows into “${table}”`)
        .waitFor();
    }
  });

  it('maps a task from each table and shows the materials they share', async () => {
    // The spellings differ row by row, yet name the same materials: what the matrix must count.
    expect(formulas.elastic[1]).not.toBe(formulas.stability[1]);
    expect(formulaKey(formulas.elastic[1])).toBe(formulaKey(formulas.stability[1]));
    const stability = new Set(formulas.stability.map(formulaKey));
    const elastic = new Set(formulas.elastic.map(formulaKey));
    const shared = [...elastic].filter((k) => stability.has(k)).length;
    const union = new Set([...stability, ...elastic]).size;

    await goTo(page, 'Tasks');
    const adder = page.getByRole('region', { name: 'Add a task' });
    for (const [table, column] of [
      ['stability', 'e_above_hull_eV_atom'],
      ['elastic', 'bulk_modulus_GPa'],
    ]) {
      await adder.getByLabel('Table to add a task from').selectOption(table);
      await adder.getByLabel('Column to predict').selectOption(column);
      await adder.getByRole('button', { name: 'Add task' }).click();
    }
    const cards = page.getByTestId('task-card');
    expect(await cards.nth(0).locator('h3').innerText()).toBe('e_above_hull_eV_atom from stability');
    expect(await cards.nth(1).locator('h3').innerText()).toBe('bulk_modulus_GPa from elastic');
    expect(await page.getByTestId('task-tables').textContent()).toMatch(/2 tasks from 2 tables:\s*stability,\s*elastic/);

    const overlap = page.getByTestId('task-overlap');
    await expect
      .poll(() => overlap.getByRole('img').getAttribute('aria-label'), { timeout: 20_000 })
      .toBe(
        `Materials shared between tasks: e_above_hull_eV_atom ${stability.size.toLocaleString('en')} labelled, bulk_modulus_GPa ${elastic.size.toLocaleString('en')} labelled; e_above_hull_eV_atom and bulk_modulus_GPa ${shared.toLocaleString('en')} shared.`,
      );
    expect(shared).toBe(BOTH);
    expect(await overlap.getByTestId('task-overlap-caption').textContent()).toContain(
      `${union.toLocaleString('en')} materials in all; tasks of different tables (stability, elastic) are joined by formula`,
    );
    await expect.poll(() => cards.nth(1).getByTestId('task-counts').textContent(), { timeout: 20_000 }).toMatch(/train [\d,]+ · validation \d+ · test \d+/);
    await page.getByRole('button', { name: 'Save tasks' }).click();
    await page.getByTestId('tasks-state').getByText('Saved', { exact: true }).waitFor();
    await screenshot(page, 'tasks-overlap');
  });

  it('trains both tasks in one short run', async () => {
    await goTo(page, 'Train');
    await page.getByLabel('Run name').fill('joined');
    await page.getByLabel('Epochs', { exact: true }).fill('6');
    await page.getByLabel('Stop early when the validation loss stalls').uncheck();
    await page.getByLabel('Compute backend').selectOption('wasm');
    await page.getByText('More settings').click();
    await page.getByLabel('Shared encoder widths').fill('64, 32');
    await page.getByRole('button', { name: 'Start training' }).click();
    await page.getByTestId('run-status').getByText('Finished').waitFor({ timeout: 120_000 });
    for (const task of ['e_above_hull_eV_atom', 'bulk_modulus_GPa'])
      expect(Number(await page.getByTestId(`chart-metrics-${task}`).getAttribute('data-points'))).toBe(6);
    expect(await page.getByTestId('runs').locator('tr', { hasText: 'joined' }).textContent()).toContain('done');
  });

  it('evaluates each task on its own test rows', async () => {
    await page.getByTestId('runs').getByRole('button', { name: 'Evaluate' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Evaluate' }).waitFor();
    const metrics = page.getByTestId('test-metrics');
    await metrics.getByText('bulk_modulus_GPa').first().waitFor();
    for (const task of ['e_above_hull_eV_atom', 'bulk_modulus_GPa']) {
      const row = metrics.locator('tr', { hasText: task }).first();
      expect(await row.locator('td').nth(3).textContent()).toMatch(/^-?[\d.,]+(e[-+]?\d+)?$/);
      await page.getByTestId(`parity-${task}`).waitFor();
    }
    await screenshot(page, 'evaluate-joined');
    expect(app.errors).toEqual([]);
  });
});
