/** `crucible models import|list|delete` as a user runs them. */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { exportBundle, MEMBERS } from '../../../src-main/engine/export/bundle/index';
import { runCli } from '../../helpers/cli';
import { scratchDir } from '../../helpers/paths';
import { makeProject } from '../../helpers/projects';
import { GAP_RUN, trainRun } from '../engine/export/bundle/trained-runs';

describe('crucible models', () => {
  const scratch = scratchDir('crucible-cli-models-');
  let bundle: string;
  let project: string;
  beforeAll(async () => {
    bundle = (await exportBundle(await trainRun(GAP_RUN, join(scratch.dir, 'run')), join(scratch.dir, 'gap.crucible'))).file;
    project = await makeProject(scratch.dir, 'project');
  }, 60_000);
  afterAll(() => scratch.cleanup());

  it('imports, lists and deletes models', () => {
    const imported = runCli(['models', 'import', bundle, '--project', project]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(
      /^Imported gap {2}"gap": band_gap \(regression, eV\), is_metal \(classification\); from formulas via magpie; \d{4}-\d\d-\d\d; [\d.]+ MiB\n$/,
    );
    expect(runCli(['models', 'import', bundle, '--name', 'copy'], { cwd: project }).status).toBe(0);
    const listed = runCli(['models', 'list', '--project', project]);
    expect(listed.stdout.split('\n').map((l) => l.split(' ')[0])).toEqual(['copy', 'gap', '']);
    const again = runCli(['models', 'import', bundle, '--project', project]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^crucible: Project "project" already has a model "gap"\. Choose another name with --name, or pass --replace\.\n$/);
    expect(runCli(['models', 'delete', 'copy', '--project', project]).stdout).toBe('Deleted model "copy".\n');
    expect(runCli(['models', 'delete', 'gapp', '--project', project]).stderr).toBe('crucible: Project "project" has no model "gapp". Did you mean "gap"?\n');
    expect(runCli(['models', 'list', '--project', project]).stdout.split('\n')).toHaveLength(2);
  });

  it('refuses a tampered bundle in one line and writes nothing', () => {
    const bytes = new Uint8Array(readFileSync(bundle));
    // The model is stored uncompressed, so a byte flipped in its middle is a changed model, not a broken deflate stream.
    const model = unzipSync(bytes)[MEMBERS.model];
    const at = Buffer.from(bytes).indexOf(Buffer.from(model.subarray(0, 256)));
    expect(at).toBeGreaterThan(0);
    bytes[at + (model.length >> 1)] ^= 0x80;
    const tampered = join(scratch.dir, 'tampered.crucible');
    writeFileSync(tampered, bytes);
    const r = runCli(['models', 'import', tampered, '--project', project]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^crucible: tampered\.crucible: member "model\.onnx" does not match its sha-256 in manifest\.json: it was changed or damaged after export\. Export the bundle again/,
    );
    expect(readdirSync(join(project, 'models'))).toEqual(['gap.crucible']);
  });
});
