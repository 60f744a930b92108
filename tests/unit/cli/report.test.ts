/** `crucible report` as a user runs it: a run folder's report or the one a bundle carries, written to one HTML file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportBundle, MEMBERS, readBundle } from '../../../src-main/engine/export/bundle/index';
import { runCli } from '../../helpers/cli';
import { scratchDir } from '../../helpers/paths';
import { GAP_RUN, trainRun } from '../engine/export/bundle/trained-runs';

describe('crucible report', () => {
  const scratch = scratchDir('crucible-cli-report-');
  let run: string;
  let bundle: string;
  beforeAll(async () => {
    run = await trainRun(GAP_RUN, join(scratch.dir, 'run'));
    bundle = (await exportBundle(run, join(scratch.dir, 'gap.crucible'))).file;
  }, 60_000);
  afterAll(() => scratch.cleanup());

  it("writes a run's report to --out, its path on stdout", () => {
    const out = join(scratch.dir, 'gap.html');
    const r = runCli(['report', run, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${out}\n`);
    expect(r.stderr).toMatch(/^Report of run: \d+ KiB, one file that opens offline in any browser\.\n$/);
    const html = readFileSync(out, 'utf8');
    for (const plot of ['parity-band_gap', 'confusion-is_metal', 'roc-is_metal', 'history']) expect(html).toContain(`data-plot="${plot}"`);
  });

  it('extracts the report a bundle carries, by default into the working folder', async () => {
    const r = runCli(['report', bundle], { cwd: scratch.dir });
    expect(r.status, r.stderr).toBe(0);
    const out = join(scratch.dir, 'gap-report.html');
    expect(r.stdout).toBe(`${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe(new TextDecoder().decode((await readBundle(bundle)).members.get(MEMBERS.report)));
  });

  it('refuses a folder that is not a run, and an output folder that does not exist, in one line', () => {
    const notRun = runCli(['report', scratch.dir, '--out', join(scratch.dir, 'x.html')]);
    expect(notRun.status).toBe(1);
    expect(notRun.stderr).toMatch(/^crucible: .+ is not a training run folder: it has neither run\.json nor config\.yaml\. Give the folder/);
    const noFolder = runCli(['report', run, '--out', join(scratch.dir, 'missing', 'x.html')]);
    expect(noFolder.status).toBe(1);
    expect(noFolder.stderr).toMatch(/^crucible: Folder .+missing does not exist\./);
  });
});
