/** `crucible export` as a user runs it: the bundle path on stdout, a summary on stderr, one-line errors. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundle } from '../../../src-main/engine/export/bundle/index';
import { runCli, type CliResult } from '../../helpers/cli';
import { scratchDir } from '../../helpers/paths';
import { GAP_RUN, trainRun } from '../engine/export/bundle/trained-runs';

function expectOneLineError(r: CliResult, pattern: RegExp): void {
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^crucible: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
}

describe('crucible export', () => {
  const scratch = scratchDir('crucible-cli-export-');
  let run: string;
  beforeAll(async () => {
    run = await trainRun(GAP_RUN, join(scratch.dir, 'run-gap'));
  }, 60_000);
  afterAll(() => scratch.cleanup());

  it('writes a bundle and says what is in it', async () => {
    const out = join(scratch.dir, 'gap.crucible');
    const r = runCli(['export', run, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${out}\n`);
    // The run states no unit, so the bundle's unit comes from the column name, and the export says so.
    expect(r.stderr).toMatch(
      /^note: Task "band_gap": its run states no unit; the bundle records "eV", proposed by column "band_gap_eV"\. [^\n]+\nExported "gap" \(best checkpoint, epoch \d\): band_gap \(regression, eV\), is_metal \(classification\); [\d.]+ MiB\.\n$/,
    );
    expect((await readBundle(out)).manifest.training.checkpoint).toBe('best');
  });

  it('names the bundle after the run folder by default, and exports the last checkpoint on request', async () => {
    const r = runCli(['export', run, '--checkpoint', 'last', '--name', 'band gaps'], { cwd: scratch.dir });
    expect(r.status, r.stderr).toBe(0);
    const file = join(scratch.dir, 'run-gap.crucible');
    expect(r.stdout).toBe(`${file}\n`);
    expect((await readBundle(file)).manifest).toMatchObject({ name: 'band gaps', training: { checkpoint: 'last' } });
  });

  it('refuses to overwrite without --force, bad names and folders that are not runs', () => {
    const out = join(scratch.dir, 'gap.crucible');
    expectOneLineError(runCli(['export', run, '--out', out]), /gap\.crucible already exists\. Choose another name, or pass --force to replace it\./);
    expect(runCli(['export', run, '--out', out, '--force']).status).toBe(0);
    expectOneLineError(
      runCli(['export', run, '--out', join(scratch.dir, 'gap.zip')]),
      /The bundle file name gap\.zip does not end in \.crucible\. Name it e\.g\. gap\.crucible\./,
    );
    expectOneLineError(runCli(['export', scratch.dir, '--out', join(scratch.dir, 'x.crucible')]), /is not a training run folder: it has no config\.yaml/);
    expectOneLineError(runCli(['export', join(scratch.dir, 'nope')]), /Run folder .*nope does not exist/);
    expect(existsSync(join(scratch.dir, 'x.crucible'))).toBe(false);
    expect(runCli(['export', run, '--checkpoint', 'worst']).stderr).toMatch(/expected best or last/);
  });
});
