import { describe, expect, it } from 'vitest';
import { createRouter } from '../../../src-main/api/handlers/index';
import { Router, type HandlerMap } from '../../../src-main/api/router';
import { Session } from '../../../src-main/api/session';
import { CrucibleError } from '../../../src-main/engine/errors';
import { requestNames } from '../../../src-main/api/contract';
import { scratchDir } from '../../helpers/paths';
import { makeProject } from '../../helpers/projects';

describe('Router', () => {
  it('answers app:info with validated facts', async () => {
    const out = await createRouter(new Session('web')).dispatch('app:info', {});
    expect(out).toMatchObject({ ok: true, result: { name: 'Crucible', mode: 'web' } });
  });

  it('refuses unknown operations and invalid arguments without calling a handler', async () => {
    const router = createRouter(new Session('web'));
    expect(await router.dispatch('fs:delete', {})).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const bad = await router.dispatch('app:info', { extra: 1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(JSON.stringify(bad)).toContain('extra');
  });

  it('passes user errors through with their location and hint, and hides nothing else', async () => {
    const handlers = Object.fromEntries(
      requestNames.map((n) => [
        n,
        () => {
          throw new CrucibleError('bad-input', 'Broken row.', { location: { file: 'a.csv', row: 3, column: 'x' }, hint: 'Fix it.' });
        },
      ]),
    ) as unknown as HandlerMap;
    const out = await new Router(handlers).dispatch('project:current', {});
    expect(out).toEqual({ ok: false, error: { code: 'bad-input', message: 'Broken row.', hint: 'Fix it.', location: { file: 'a.csv', row: 3, column: 'x' } } });
  });

  it('rejects a handler result that breaks the contract', async () => {
    const handlers = { ...Object.fromEntries(requestNames.map((n) => [n, () => ({ wrong: true })])) } as unknown as HandlerMap;
    const original = console.error;
    console.error = () => {};
    try {
      expect(await new Router(handlers).dispatch('project:current', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
    } finally {
      console.error = original;
    }
  });

  it('emits project changes as validated events', async () => {
    const scratch = scratchDir();
    try {
      const dir = await makeProject(scratch.dir, 'My Project');
      const session = new Session('web', { allowedRoots: [scratch.dir] });
      const seen: unknown[] = [];
      session.events.subscribe((event, payload) => seen.push([event, payload]));
      await session.open(dir);
      session.close();
      expect(seen).toEqual([
        ['project:changed', { dir, name: 'My Project' }],
        ['project:changed', { dir: null, name: null }],
      ]);
    } finally {
      scratch.cleanup();
    }
  });
});
