/**
 * The security probes of a real `crucible serve` on loopback, as a stranger and a careless second process
 * would send them: one `it` per row of the probe report (ids, one-request crashes, bombs, concurrent writers,
 * kill -9, disk full) and the probes that held (token, Origin, Host, WebSocket, bind address, static
 * traversal, folder roots), so none of them can come back.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEMBERS } from '../../../src-main/engine/export/bundle/members';
import { cliEnv, runCli, startCli } from '../../helpers/cli';
import { honestMember, writeZip, zerosBomb } from '../../helpers/hostile-zip';
import { rawRequest, tryWebSocket } from '../../helpers/http';
import { dataSet, repoRoot, scratchDir } from '../../helpers/paths';
import { GAP_RUN, trainRun } from '../engine/export/bundle/trained-runs';

interface Answer {
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
}

const tablesOf = (project: string) =>
  (JSON.parse(readFileSync(join(project, 'project.json'), 'utf8')) as { tables: { name: string }[] }).tables.map((t) => t.name);

describe('crucible serve under the security probes', () => {
  const scratch = scratchDir('crucible-probes-');
  // The project's parent folder and `allowed` are the server's roots; `outside` is not.
  const project = join(scratch.dir, 'projects', 'P');
  const allowed = join(scratch.dir, 'allowed');
  const outside = join(scratch.dir, 'outside');
  let serve: ReturnType<typeof startCli>;
  let port: number;
  let token: string;

  const call = async (op: string, args: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const r = await rawRequest(
      port,
      `/api/call/${op}`,
      { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      'POST',
      JSON.stringify(args),
    );
    expect(r.status, r.body).toBe(200);
    return JSON.parse(r.body) as Answer;
  };
  const alive = async () => expect(await call('app:info', {})).toMatchObject({ ok: true });

  beforeAll(async () => {
    mkdirSync(allowed, { recursive: true });
    mkdirSync(outside, { recursive: true });
    expect(runCli(['init', project]).status).toBe(0);
    await trainRun(GAP_RUN, join(project, 'runs', 'gap'));
    serve = startCli(['serve', project, '--no-open', '--allow', allowed]);
    const url = new URL(await serve.firstLine);
    port = Number(url.port);
    token = url.searchParams.get('token')!;
  }, 120_000);
  afterAll(async () => {
    await serve?.stop();
    scratch.cleanup();
  });

  it('row 1: models:export refuses an id that leaves models/, with or without replace, and writes nothing', async () => {
    const victim = join(scratch.dir, 'x.crucible');
    writeFileSync(victim, 'keep me');
    for (const id of ['../../../../x', '../../x', '..', 'a/b', '.hidden', 'x\u0000y']) {
      for (const replace of [false, true]) {
        const answer = await call('models:export', { runId: 'gap', id, replace });
        expect(answer.ok, id).toBe(false);
        expect(answer.error).toMatchObject({ code: 'bad-input' });
      }
    }
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readdirSync(dirname(project))).toEqual(['P']);
    expect(await call('models:export', { runId: 'gap', id: 'gap' })).toMatchObject({ ok: true });
    expect(readdirSync(join(project, 'models'))).toEqual(['gap.crucible']);
    // Run ids are the same rule: no reading a folder beside runs/ either.
    expect(await call('runs:get', { runId: '../../P' })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
  });

  it('row 2: a cookie with a bad percent-escape is refused, over HTTP and WebSocket, and the server stays up', async () => {
    expect((await rawRequest(port, '/', { cookie: 'x=100%' })).status).toBe(401);
    expect((await rawRequest(port, '/api/health', { cookie: 'crucible_token=%E0%A4%A; y=%' })).status).toBe(401);
    expect(await tryWebSocket(port, '/api/events', { cookie: 'x=100%' })).toMatch(/401/);
    await alive();
  });

  it('row 3: a bad percent-escape in the operation name answers 400; a body over 16 MiB answers 413 "too large"', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const bad = await rawRequest(port, '/api/call/%E0%A4%A', auth, 'POST', '{}');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'bad-input', message: expect.stringMatching(/percent-escape/) } });
    expect((await rawRequest(port, '/%E0%A4%A', auth)).status).toBeLessThan(500);
    const big = await rawRequest(port, '/api/call/app:info', auth, 'POST', Buffer.alloc(17 * 1024 * 1024, 0x20)).catch((e: Error) => ({
      status: -1,
      body: e.message,
    }));
    // The server may close the socket before the client has sent every byte: then only the answer matters if it came.
    if (big.status !== -1) {
      expect(big.status).toBe(413);
      expect(JSON.parse(big.body)).toMatchObject({ error: { code: 'too-large', message: expect.stringMatching(/too large/) } });
    }
    const notJson = await rawRequest(port, '/api/call/app:info', auth, 'POST', '{not json');
    expect([notJson.status, JSON.parse(notJson.body).error.message]).toEqual([400, 'The request body is not valid JSON.']);
    await alive();
  });

  it('row 4: a bundle member that lies about its size is refused within seconds while the server keeps answering', async () => {
    const entries = unzipSync(readFileSync(join(project, 'models', 'gap.crucible')));
    const manifest = JSON.parse(new TextDecoder().decode(entries[MEMBERS.manifest])) as { files: Record<string, { bytes: number }> };
    const honest = Object.entries(entries).filter(([name]) => name !== MEMBERS.model);
    const bomb = join(allowed, 'bomb.crucible');
    writeFileSync(
      bomb,
      writeZip([
        ...honest.map(([name, data]) => honestMember(name, data)),
        { name: MEMBERS.model, compressed: zerosBomb(4), declaredSize: manifest.files[MEMBERS.model].bytes },
      ]),
    );
    const started = Date.now();
    const importing = call('models:import', { file: bomb, id: 'bomb' });
    const infoStarted = Date.now();
    await alive();
    const infoMs = Date.now() - infoStarted;
    const answer = await importing;
    expect(answer).toMatchObject({ ok: false, error: { message: expect.stringMatching(/inflates to more than the \d+ bytes it declares/) } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(infoMs).toBeLessThan(2_000);
    expect(readdirSync(join(project, 'models'))).toEqual(['gap.crucible']);
  });

  it('row 5: predictions of hostile cells are written neutralised into the CSV a colleague opens', async () => {
    const input = join(allowed, 'hostile.csv');
    writeFileSync(input, 'formula,note\nNaCl,=HYPERLINK("http://evil.example")\nSiO2,+cmd|\' /C calc\'!A0\nGaAs,@SUM(1+1)\n');
    const answer = await call('predict:run', { model: 'gap', file: input, output: { folder: allowed, name: 'out.csv' } });
    expect(answer.ok, JSON.stringify(answer.error)).toBe(true);
    const csv = readFileSync(join(allowed, 'out.csv'), 'utf8');
    expect(csv).toContain(`'=HYPERLINK`);
    expect(csv).toContain(`'+cmd`);
    expect(csv).toContain(`'@SUM`);
    expect(csv).not.toMatch(/(^|,)[=+@]/m);
    // A file of that name that links outside the roots is not written through.
    writeFileSync(join(outside, 'victim.csv'), 'keep me');
    symlinkSync(join(outside, 'victim.csv'), join(allowed, 'linked.csv'));
    expect(await call('predict:run', { model: 'gap', file: input, output: { folder: allowed, name: 'linked.csv' } })).toMatchObject({ ok: false });
    expect(readFileSync(join(outside, 'victim.csv'), 'utf8')).toBe('keep me');
  });

  it('row 6: a table imported by the command line while the server is open survives the next import through the app', async () => {
    const cli = runCli(['import', project, dataSet('matbench_glass', 'glass.csv'), '--table', 't1']);
    expect(cli.status, cli.stderr).toBe(0);
    // The server's project now lists t1 without any reload.
    const seen = await call('data:tables', {});
    expect((seen.result!.tables as { name: string }[]).map((t) => t.name)).toContain('t1');
    const steels = join(allowed, 'steels.csv');
    writeFileSync(steels, readFileSync(dataSet('matbench_steels_yield', 'steels_yield.csv')));
    const app = await call('data:import', { file: steels, table: 't2' });
    expect(app, JSON.stringify(app.error)).toMatchObject({ ok: true, result: { imported: true } });
    expect(tablesOf(project)).toEqual(expect.arrayContaining(['t1', 't2']));
    const listed = await call('data:tables', {});
    expect((listed.result!.tables as { name: string }[]).map((t) => t.name)).toEqual(expect.arrayContaining(['t1', 't2']));
  });

  it('row 7: two servers on one project starting a run in the same second get two run folders', async () => {
    const task = { table: 't1', subtype: 'classification', steps_column: null, loss_weight: 1, task_masking_ratio: 1, enabled: true, head_options: {} };
    const saved = await call('tasks:save', { tasks: [{ ...task, name: 'gfa', type: 'classification', data_column: 'gfa' }] });
    expect(saved, JSON.stringify(saved.error)).toMatchObject({ ok: true });
    const settings = { ...(await call('training:settings', {})).result!, name: 'twin', maxEpochs: 1 };
    const other = startCli(['serve', project, '--no-open']);
    try {
      const url = new URL(await other.firstLine);
      const start = async (p: number, t: string) => {
        const r = await rawRequest(p, '/api/call/training:start', { authorization: `Bearer ${t}` }, 'POST', JSON.stringify({ settings }));
        return JSON.parse(r.body) as Answer;
      };
      const answers = await Promise.all([start(port, token), start(Number(url.port), url.searchParams.get('token')!)]);
      for (const a of answers) expect(a, JSON.stringify(a.error)).toMatchObject({ ok: true });
      const ids = answers.map((a) => a.result!.runId as string);
      expect(new Set(ids).size).toBe(2);
      for (const id of ids) expect(existsSync(join(project, 'runs', id))).toBe(true);
      await call('training:cancel', { runId: ids[0] });
      await rawRequest(
        Number(url.port),
        '/api/call/training:cancel',
        { authorization: `Bearer ${url.searchParams.get('token')}` },
        'POST',
        JSON.stringify({ runId: ids[1] }),
      );
    } finally {
      await other.stop();
    }
  }, 60_000);

  it('row 8: kill -9 right after DuckDB commits an import: the project opens with the table recovered, and it can be re-imported', () => {
    const crashed = runCli(['import', project, dataSet('matbench_glass', 'glass.csv'), '--table', 'crashed'], {
      env: { CRUCIBLE_CRASH_AT: 'import:committed' },
    });
    expect(crashed.signal).toBe('SIGKILL');
    expect(tablesOf(project)).not.toContain('crashed');
    const tables = runCli(['tables', project]);
    expect(tables.status, tables.stderr).toBe(0);
    expect(tables.stderr + tables.stdout).toMatch(/crashed/);
    expect(tablesOf(project)).toContain('crashed');
    expect(runCli(['import', project, dataSet('matbench_glass', 'glass.csv'), '--table', 'crashed', '--replace']).status).toBe(0);
  });

  it('row 9: a full disk during import says so, names the file, exits 1 without a stack, and keeps the project intact', () => {
    const probe = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true']);
    expect(probe.status, 'this test needs unprivileged user namespaces (unshare) to mount a small tmpfs').toBe(0);
    const mount = join(scratch.dir, 'small-disk');
    mkdirSync(mount);
    const big = join(scratch.dir, 'big.csv');
    const lines = ['formula,value,note'];
    for (let i = 0; i < 300_000; i++) lines.push(`Fe${(i % 9) + 1}Ni${(i % 7) + 1},${Math.sin(i)},row ${i} ${Math.cos(i)}`);
    writeFileSync(big, lines.join('\n') + '\n');
    const crucible = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'bin', 'crucible.js'))}`;
    const p = join(mount, 'p');
    const script = [
      `mount -t tmpfs -o size=3m tmpfs ${mount} || exit 90`,
      `${crucible} init ${p} >/dev/null || exit 91`,
      `${crucible} import ${p} ${dataSet('matbench_glass', 'glass.csv')} --table glass >/dev/null || exit 92`,
      `${crucible} import ${p} ${big} --table big 2>${scratch.dir}/full.err; echo "import=$?"`,
      `${crucible} tables ${p}; echo "tables=$?"`,
    ].join('\n');
    const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], { env: cliEnv, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const err = readFileSync(join(scratch.dir, 'full.err'), 'utf8');
    expect(r.stdout).toContain('import=1');
    expect(err).toMatch(/^crucible: The disk is full \(writing .*data\.duckdb\)\. .*nothing was changed\.\n$/);
    expect(err).not.toMatch(/\n\s+at /);
    expect(r.stdout).toMatch(/glass {2}\(5,680 rows/);
    expect(r.stdout).not.toMatch(/^big /m);
    expect(r.stdout).toContain('tables=0');
  }, 150_000);

  it('held: no token, a wrong token, a foreign Origin or Host are refused on HTTP and WebSocket', async () => {
    expect((await rawRequest(port, '/api/health')).status).toBe(401);
    expect((await rawRequest(port, '/api/health', { authorization: 'Bearer wrong' })).status).toBe(401);
    const auth = { authorization: `Bearer ${token}` };
    expect((await rawRequest(port, '/api/health', { ...auth, origin: 'http://evil.example' })).status).toBe(403);
    expect((await rawRequest(port, '/api/health', { ...auth, host: 'evil.example' })).status).toBe(403);
    expect(await tryWebSocket(port, '/api/events')).toMatch(/401/);
    expect(await tryWebSocket(port, '/api/events', { ...auth, origin: 'http://evil.example' })).toMatch(/403/);
    expect(await tryWebSocket(port, `/api/events?token=${token}`)).toBe('open');
  });

  it('held: static files cannot be reached outside the renderer, plainly or percent-encoded', async () => {
    const auth = { authorization: `Bearer ${token}` };
    for (const path of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/%252e%252e/%252e%252e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd']) {
      const r = await rawRequest(port, path, auth);
      expect(r.body, path).not.toMatch(/root:.*:0:0:/);
    }
  });

  it('held: the server listens on 127.0.0.1 only', async () => {
    const reach = (host: string) =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host, port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
    expect(await reach('127.0.0.1')).toBe(true);
    const external = spawnSync('hostname', ['-I'], { encoding: 'utf8' }).stdout?.trim().split(/\s+/)[0];
    if (external) expect(await reach(external)).toBe(false);
    expect(await reach('::1')).toBe(false);
  });

  it('held: the folder picker and every path argument stay inside the roots, symlinks included', async () => {
    symlinkSync(outside, join(allowed, 'escape'));
    writeFileSync(join(outside, 'data.csv'), 'formula,y\nNaCl,1\n');
    expect(await call('files:browse', { path: join(allowed, 'escape') })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/outside the folders/) },
    });
    expect(await call('files:browse', { path: outside })).toMatchObject({ ok: false });
    expect(await call('data:import', { file: join(allowed, 'escape', 'data.csv'), table: 'escaped' })).toMatchObject({ ok: false });
    expect(await call('project:create', { dir: join(outside, 'new') })).toMatchObject({ ok: false });
    expect(existsSync(join(outside, 'new'))).toBe(false);
    expect(await call('data:import', { file: join(allowed, 'bomb.crucible'), table: 'Robert"); DROP TABLE t1;--' })).toMatchObject({
      ok: false,
      error: { code: 'bad-input' },
    });
    expect(tablesOf(project)).toContain('t1');
  });

  it('--open hands the browser a private redirect page, never the token on a command line', async () => {
    const bin = join(scratch.dir, 'bin');
    mkdirSync(bin);
    const seen = join(scratch.dir, 'xdg-open.args');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(seen)}\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    // Opening the browser is serve's default (--no-open turns it off).
    const opened = startCli(['serve', project], { env: { PATH: `${bin}:${process.env.PATH}`, DISPLAY: ':99' } });
    try {
      const url = await opened.firstLine;
      const token = new URL(url).searchParams.get('token')!;
      const deadline = Date.now() + 10_000;
      while (!existsSync(seen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const args = readFileSync(seen, 'utf8').trim();
      expect(args).toMatch(/^file:\/\/.*open-\d+\.html$/);
      expect(args).not.toContain(token);
      const page = new URL(args).pathname;
      expect(readFileSync(page, 'utf8')).toContain(url);
      expect(spawnSync('stat', ['-c', '%a', page], { encoding: 'utf8' }).stdout.trim()).toBe('600');
      await opened.stop();
      expect(existsSync(page)).toBe(false);
    } finally {
      await opened.stop();
    }
  });
});
