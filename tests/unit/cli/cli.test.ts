import { describe, expect, it } from 'vitest';
import { crucibleVersion } from '../../../src-main/engine/paths';
import { runCli, startCli } from '../../helpers/cli';

describe('crucible command', () => {
  it('--help lists the commands', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    for (const command of ['start', 'serve']) expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('--version prints the package version', () => {
    const r = runCli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(crucibleVersion());
  });

  it('rejects a bad option value in one line, without a stack trace', () => {
    const r = runCli(['serve', '--port', 'eighty']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/port/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('serve prints its loopback URL with the token as the first stdout line', async () => {
    const run = startCli(['serve', '--no-open', '--port', '0']);
    try {
      const url = await run.firstLine;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
      const port = new URL(url).port;
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(401);
      expect(
        (await fetch(`http://127.0.0.1:${port}/api/health`, { headers: { authorization: `Bearer ${new URL(url).searchParams.get('token')}` } })).status,
      ).toBe(200);
    } finally {
      await run.stop();
    }
  });
});
