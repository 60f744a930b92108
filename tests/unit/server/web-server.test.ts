import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRouter } from '../../../src-main/api/handlers/index';
import { Session } from '../../../src-main/api/session';
import { startWebServer, type RunningWebServer } from '../../../src-main/server/web-server';
import { rawRequest as get } from '../../helpers/http';
import { scratchDir } from '../../helpers/paths';

describe('web mode server', () => {
  const scratch = scratchDir();
  const session = new Session('web');
  let server: RunningWebServer;

  beforeAll(async () => {
    const renderer = join(scratch.dir, 'renderer');
    mkdirSync(renderer);
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Crucible</title>');
    server = await startWebServer({ session, router: createRouter(session), rendererDir: renderer, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    scratch.cleanup();
  });

  it('prints a loopback URL with its token', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{48}$`));
  });

  it('refuses requests without the token', async () => {
    expect((await get(server.port, '/api/health')).status).toBe(401);
    expect((await get(server.port, '/')).status).toBe(401);
    expect((await get(server.port, '/api/health?token=wrong')).status).toBe(401);
    expect((await get(server.port, '/api/call/app:info', {}, 'POST', '{}')).status).toBe(401);
  });

  it('refuses other origins and foreign Host headers even with the token', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    expect((await get(server.port, '/api/health', { ...auth, origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(server.port, '/api/health', { ...auth, host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server.port, '/api/health', { ...auth, origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('turns the URL token into an HttpOnly cookie that authenticates later requests', async () => {
    const first = await get(server.port, `/?token=${server.token}`);
    expect(first.status).toBe(200);
    expect(first.body).toContain('<title>Crucible</title>');
    const cookie = String(first.headers['set-cookie']).split(';')[0];
    expect(String(first.headers['set-cookie'])).toContain('HttpOnly');
    const health = await get(server.port, '/api/health', { cookie });
    expect(health.status).toBe(200);
  });

  it('answers contract requests and validates them', async () => {
    const auth = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
    const info = JSON.parse((await get(server.port, '/api/call/app:info', auth, 'POST', '{}')).body);
    expect(info).toMatchObject({ ok: true, result: { name: 'Crucible', mode: 'web' } });
    const bad = await get(server.port, '/api/call/app:info', auth, 'POST', '{not json');
    expect(bad.status).toBe(400);
    expect(JSON.parse((await get(server.port, '/api/call/nope', auth, 'POST', '{}')).body)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('pushes events over an authenticated WebSocket and refuses unauthenticated ones', async () => {
    const refused = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`);
    await expect(
      new Promise((resolve, reject) => {
        refused.on('open', resolve);
        refused.on('error', reject);
      }),
    ).rejects.toThrow(/401/);

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers: { authorization: `Bearer ${server.token}` } });
    await new Promise((resolve) => ws.on('open', resolve));
    const message = new Promise<string>((resolve) => ws.on('message', (data) => resolve(String(data))));
    session.close();
    expect(JSON.parse(await message)).toEqual({ event: 'project:changed', payload: { dir: null, name: null } });
    ws.close();
  });
});
