import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../../src-main/api/handlers/index';
import type { Router } from '../../../src-main/api/router';
import { Session } from '../../../src-main/api/session';
import { scratchDir } from '../../helpers/paths';

describe('project handlers', () => {
  const scratch = scratchDir();
  const outside = scratchDir();
  let router: Router;
  let session: Session;

  beforeAll(() => {
    process.env.CRUCIBLE_CONFIG_DIR = join(scratch.dir, 'config');
    session = new Session('web', { allowedRoots: [scratch.dir] });
    router = createRouter(session);
  });
  afterAll(() => {
    delete process.env.CRUCIBLE_CONFIG_DIR;
    scratch.cleanup();
    outside.cleanup();
  });

  it('creates a project, makes it current and summarises it', async () => {
    const dir = join(scratch.dir, 'Band gaps');
    const out = await router.dispatch('project:create', { dir, name: 'Band gaps' });
    expect(out).toMatchObject({ ok: true, result: { dir, name: 'Band gaps', tables: [], taskCount: 0, runCount: 0, modelCount: 0 } });
    expect(await router.dispatch('project:current', {})).toEqual({ ok: true, result: { dir, name: 'Band gaps' } });
    expect(await router.dispatch('project:summary', {})).toMatchObject({ ok: true, result: { name: 'Band gaps' } });
  });

  it('remembers opened projects, most recent first', async () => {
    const second = join(scratch.dir, 'Steels');
    await router.dispatch('project:create', { dir: second });
    await router.dispatch('project:open', { dir: join(scratch.dir, 'Band gaps') });
    const recent = await router.dispatch('project:recent', {});
    expect(recent.ok && (recent.result as { projects: { name: string }[] }).projects.map((p) => p.name)).toEqual(['Band gaps', 'Steels']);
  });

  it('refuses to open a folder that is not a project, and leaves the current project open', async () => {
    const plain = join(scratch.dir, 'plain');
    mkdirSync(plain);
    writeFileSync(join(plain, 'notes.txt'), 'hello');
    expect(await router.dispatch('project:open', { dir: plain })).toMatchObject({ ok: false, error: { code: 'not-a-project' } });
    expect(session.project.name).toBe('Band gaps');
  });

  it('never touches folders outside the allowed roots', async () => {
    const out = await router.dispatch('project:create', { dir: join(outside.dir, 'evil') });
    expect(out).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(JSON.stringify(out)).toContain('outside the folders');
    expect(await router.dispatch('files:browse', { path: '/etc' })).toMatchObject({ ok: false });
    expect(await router.dispatch('files:browse', { path: join(scratch.dir, '..', '..', 'etc') })).toMatchObject({ ok: false });
  });

  it('browses folders, marking projects and listing data files on request', async () => {
    writeFileSync(join(scratch.dir, 'gaps.csv'), 'formula,gap\nNaCl,8.5\n');
    const listing = await router.dispatch('files:browse', { path: scratch.dir, files: true });
    expect(listing.ok).toBe(true);
    const entries = (listing as { result: { entries: { name: string; kind: string }[]; parent: string | null } }).result;
    expect(entries.entries).toEqual(
      expect.arrayContaining([
        { name: 'Band gaps', path: join(scratch.dir, 'Band gaps'), kind: 'project' },
        { name: 'plain', path: join(scratch.dir, 'plain'), kind: 'folder' },
        { name: 'gaps.csv', path: join(scratch.dir, 'gaps.csv'), kind: 'file' },
      ]),
    );
    expect(entries.entries.at(-1)?.kind).toBe('file');
    expect(entries.parent).toBeNull();
  });

  it('reports operations that need a project when none is open', async () => {
    const fresh = createRouter(new Session('web', { allowedRoots: [scratch.dir] }));
    expect(await fresh.dispatch('project:summary', {})).toMatchObject({
      ok: false,
      error: { code: 'not-found', hint: expect.stringContaining('Projects page') },
    });
  });
});
