/** `crucible start` in web mode (what `npm start` runs without Electron) tells the user which address to open. */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli } from '../../helpers/cli';
import { scratchDir } from '../../helpers/paths';

/** Waits until `done()` holds (the server's lines arrive after the URL). */
async function until(done: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe('crucible start --web', () => {
  const scratch = scratchDir();
  afterAll(() => scratch.cleanup());

  it('says in words which address to open, where no browser can be opened for the user', async () => {
    const run = startCli(['start', '--web'], { env: { DISPLAY: '', WAYLAND_DISPLAY: '' } });
    try {
      const url = await run.firstLine;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
      await until(() => run.stderr().includes('Ctrl+C'));
      expect(run.stderr()).toContain(`Open ${url} in your browser.`);
      expect(run.stderr()).not.toContain('default browser');
    } finally {
      await run.stop();
    }
  });

  it('opens the default browser where there is a desktop, and still prints the address', async () => {
    const bin = join(scratch.dir, 'bin');
    mkdirSync(bin);
    const seen = join(scratch.dir, 'xdg-open.args');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(seen)}\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const run = startCli(['start', '--web'], { env: { PATH: `${bin}:${process.env.PATH}`, DISPLAY: ':99' } });
    try {
      const url = await run.firstLine;
      await until(() => run.stderr().includes('Ctrl+C') && existsSync(seen));
      expect(run.stderr()).toContain(`Open ${url} in your browser (your default browser was asked to open it).`);
      expect(readFileSync(seen, 'utf8')).toMatch(/^file:\/\/.*open-\d+\.html/);
    } finally {
      await run.stop();
    }
  });
});
