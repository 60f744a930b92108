/** Damaged and malicious bundles are refused, each with a message naming the problem, and import writes nothing. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrucibleError } from '../../../../../src-main/engine/errors';
import { DEFAULT_LIMITS, exportBundle, importModel, MEMBERS, readBundle, type BundleLimits } from '../../../../../src-main/engine/export/bundle/index';
import { openProject, type Project } from '../../../../../src-main/engine/project/index';
import { sha256 } from '../../../../../src-main/engine/util/hash';
import { honestMember, writeZip, zerosBomb } from '../../../../helpers/hostile-zip';
import { makeProject } from '../../../../helpers/projects';
import { scratchDir } from '../../../../helpers/paths';
import { GAP_RUN, trainRun } from './trained-runs';

type Entries = Record<string, Uint8Array>;
type Manifest = Record<string, unknown> & { files: Record<string, { sha256: string; bytes: number }>; tasks: Array<Record<string, unknown>> };

describe('tampered bundles', () => {
  const scratch = scratchDir('crucible-tamper-');
  let original: Uint8Array;
  let project: Project;
  let counter = 0;

  beforeAll(async () => {
    const run = await trainRun(GAP_RUN, join(scratch.dir, 'run'));
    original = new Uint8Array(readFileSync((await exportBundle(run, join(scratch.dir, 'gap.crucible'))).file));
    project = await openProject(await makeProject(scratch.dir, 'project'));
  }, 60_000);
  afterAll(() => scratch.cleanup());

  /** The original bundle's members with `change` applied; `rehash` recomputes the manifest's checksums first. */
  function tampered(change: (entries: Entries, manifest: Manifest) => void, opts: { rehash?: boolean; raw?: Zippable } = {}): string {
    const entries = unzipSync(original);
    const manifest = JSON.parse(new TextDecoder().decode(entries[MEMBERS.manifest])) as Manifest;
    delete entries[MEMBERS.manifest];
    change(entries, manifest);
    if (opts.rehash) {
      manifest.files = Object.fromEntries(Object.entries(entries).map(([name, data]) => [name, { sha256: sha256(data), bytes: data.length }]));
    }
    const file = join(scratch.dir, `tampered-${++counter}.crucible`);
    writeFileSync(file, zipSync({ [MEMBERS.manifest]: new TextEncoder().encode(JSON.stringify(manifest)), ...entries, ...opts.raw }));
    return file;
  }

  /** Both reading and importing refuse `file` with `pattern`; the project's models folder stays empty. */
  async function expectRefused(file: string, pattern: RegExp, code = 'bad-input', limits?: BundleLimits): Promise<void> {
    for (const attempt of [() => readBundle(file, limits), () => importModel(project, file, { limits })]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CrucibleError);
      expect((error as CrucibleError).describe()).toMatch(pattern);
      expect((error as CrucibleError).code).toBe(code);
    }
    expect(readdirSync(project.modelsDir)).toEqual([]);
  }

  it('accepts the untouched bundle', async () => {
    const bundle = await readBundle(join(scratch.dir, 'gap.crucible'));
    expect(bundle.members.has(MEMBERS.model)).toBe(true);
  });

  it('refuses a changed byte in a member (checksum)', async () => {
    const file = tampered((entries) => {
      const onnx = entries[MEMBERS.model].slice();
      onnx[onnx.length >> 1] ^= 0x01;
      entries[MEMBERS.model] = onnx;
    });
    await expectRefused(
      file,
      /^tampered-\d+\.crucible: member "model\.onnx" does not match its sha-256 in manifest\.json: it was changed or damaged after export\./,
    );
  });

  it('refuses a changed byte in the file itself', async () => {
    const bytes = original.slice();
    // The model is stored uncompressed, so its bytes stand in the zip as they are: flip one in its middle.
    const model = unzipSync(original)[MEMBERS.model];
    const at = Buffer.from(original).indexOf(Buffer.from(model.subarray(0, 256)));
    expect(at).toBeGreaterThan(0);
    bytes[at + (model.length >> 1)] ^= 0x80;
    const file = join(scratch.dir, 'flipped.crucible');
    writeFileSync(file, bytes);
    await expectRefused(file, /member "model\.onnx" does not match its sha-256/);
  });

  it.each([
    ['../evil.sh', /member "\.\.\/evil\.sh" climbs out of the bundle with "\.\."/],
    ['weights/../../evil.sh', /climbs out of the bundle/],
    ['/etc/cron.d/evil', /member "\/etc\/cron\.d\/evil" is an absolute path/],
    ['C:/Windows/evil.dll', /starts with a drive letter/],
    ['weights\\..\\evil.dll', /contains a backslash/],
  ])('refuses the zip-slip member name %s and writes nothing', async (name, pattern) => {
    const file = tampered(() => {}, { raw: { [name]: new TextEncoder().encode('#!/bin/sh\n') } });
    await expectRefused(file, pattern);
    expect(existsSync(join(scratch.dir, 'evil.sh'))).toBe(false);
    expect(existsSync(join(project.dir, 'evil.sh'))).toBe(false);
  });

  it('refuses a manifest that is not JSON, or not a valid manifest', async () => {
    const notJson = tampered(() => {}, { raw: { [MEMBERS.manifest]: new TextEncoder().encode('{"formatVersion": 1, ') } });
    await expectRefused(notJson, /manifest\.json in tampered-\d+\.crucible is not valid JSON/);
    const noTasks = tampered((_, m) => {
      m.tasks = [];
      delete m.input;
    });
    await expectRefused(noTasks, /manifest\.json in tampered-\d+\.crucible is not a valid bundle manifest: tasks: .*; input: /);
    const badClasses = tampered((_, m) => {
      m.tasks[1].classes = ['only one'];
    });
    await expectRefused(badClasses, /not a valid bundle manifest: tasks\.1\.classes: a classification task needs 2 class labels/);
    const noManifest = join(scratch.dir, 'no-manifest.crucible');
    writeFileSync(noManifest, zipSync({ [MEMBERS.model]: unzipSync(original)[MEMBERS.model] }));
    await expectRefused(noManifest, /no-manifest\.crucible: it has no manifest\.json, so it is not a Crucible model bundle/);
  });

  it('refuses an unknown format version as a newer bundle', async () => {
    const file = tampered((_, m) => {
      m.formatVersion = 3;
    });
    await expectRefused(
      file,
      /has bundle format version 3; this Crucible reads versions up to 2\. Update Crucible to open this bundle\./,
      'unsupported-version',
    );
  });

  it('refuses a member stored as a symbolic link, a member that appears twice, and a truncated file', async () => {
    const link = tampered(() => {}, { raw: { 'weights/link': [new TextEncoder().encode('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] } });
    await expectRefused(link, /member "weights\/link" is a symbolic link; bundles hold plain files only/);
    const model = unzipSync(original)[MEMBERS.model];
    const twice = join(scratch.dir, 'twice.crucible');
    writeFileSync(twice, writeZip([honestMember(MEMBERS.model, model), honestMember(MEMBERS.model, model)]));
    await expectRefused(twice, /member "model\.onnx" appears twice/);
    const truncated = join(scratch.dir, 'truncated.crucible');
    writeFileSync(truncated, original.subarray(0, original.length >> 1));
    await expectRefused(truncated, /is not a readable zip archive/);
  });

  it('refuses oversized members, totals and files, and zip bombs, before unpacking them', async () => {
    const file = join(scratch.dir, 'gap.crucible');
    const onnxBytes = unzipSync(original)[MEMBERS.model].length;
    await expectRefused(file, /member "model\.onnx" unpacks to [\d.]+ MiB, more than the [\d.]+ MiB allowed/, 'bad-input', {
      ...DEFAULT_LIMITS,
      maxMemberBytes: onnxBytes - 1,
    });
    await expectRefused(file, /its members unpack to more than the [\d.]+ MiB allowed/, 'bad-input', { ...DEFAULT_LIMITS, maxTotalBytes: onnxBytes });
    await expectRefused(file, /the file is [\d.]+ MiB, more than the [\d.]+ MiB a bundle may be/, 'bad-input', { ...DEFAULT_LIMITS, maxFileBytes: 1024 });
    const bomb = tampered((entries) => (entries['notes.txt'] = new Uint8Array(64 * 1024 * 1024)), { rehash: true });
    await expectRefused(bomb, /member "notes\.txt" is compressed \d+:1, beyond the 100:1 a model file reaches/);
  });

  it('refuses a member that inflates past the size it declares (a lying bomb) after one chunk, not 4 GiB later', async () => {
    const entries = unzipSync(original);
    const manifest = JSON.parse(new TextDecoder().decode(entries[MEMBERS.manifest])) as Manifest;
    const honest = Object.entries(entries).filter(([name]) => name !== MEMBERS.model);
    // model.onnx keeps its true size and checksum in both the zip headers and the manifest; only its data lies.
    const lying = { name: MEMBERS.model, compressed: zerosBomb(4), declaredSize: manifest.files[MEMBERS.model].bytes };
    const file = join(scratch.dir, 'lying-bomb.crucible');
    writeFileSync(file, writeZip([...honest.map(([name, data]) => honestMember(name, data)), lying]));
    const before = process.memoryUsage().rss;
    await expectRefused(file, /member "model\.onnx" inflates to more than the \d+ bytes it declares \(a zip bomb\?\)/);
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
    const short = join(scratch.dir, 'short.crucible');
    writeFileSync(
      short,
      writeZip([
        ...honest.map(([name, data]) => honestMember(name, data)),
        { ...honestMember(MEMBERS.model, entries[MEMBERS.model].subarray(1)), declaredSize: entries[MEMBERS.model].length },
      ]),
    );
    await expectRefused(short, /member "model\.onnx" inflates to \d+ bytes, not the \d+ it declares/);
  }, 20_000);

  it('refuses members the manifest does not list, and listed members that are missing', async () => {
    const extra = tampered(() => {}, { raw: { 'notes.txt': new TextEncoder().encode('hello') } });
    await expectRefused(extra, /member "notes\.txt" is not listed in manifest\.json, so its content cannot be verified/);
    const missing = tampered((entries) => delete entries[MEMBERS.readme]);
    await expectRefused(missing, /member "README\.md" listed in manifest\.json is missing/);
  });

  it('refuses files that are not zips, and a model that does not fit its manifest', async () => {
    const text = join(scratch.dir, 'notes.crucible');
    writeFileSync(text, 'just text, not a zip');
    await expectRefused(text, /notes\.crucible: it is not a readable zip archive/);
    const renamed = tampered((_, m) => {
      m.tasks[0].output = 'renamed_output';
    });
    const error = await importModel(project, renamed).catch((e: CrucibleError) => e);
    expect((error as CrucibleError).describe()).toMatch(/model\.onnx does not fit manifest\.json \("renamed_output" missing\)/);
    expect(readdirSync(project.modelsDir)).toEqual([]);
  });
});
