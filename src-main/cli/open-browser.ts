/**
 * Opens the web mode in the user's browser without putting its token on a command line, where every local
 * user could read it in `ps`: the token URL goes into a redirect page readable by this user only (as
 * Jupyter does), and the browser is handed that file's path. Does nothing without a desktop.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { userConfigDir } from '../engine/user/user-dirs';

function redirectPage(url: string): string {
  const json = JSON.stringify(url).replaceAll('<', '\\u003c');
  const attr = url.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  return `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${attr}"><title>Crucible</title>
<p>Opening Crucible… <a href="${attr}">continue</a></p><script>location.replace(${json});</script>\n`;
}

/**
 * Writes the redirect page for `url` and opens it; returns a function that removes the page again, or null where
 * there is no desktop to open a browser on.
 */
export function openBrowser(url: string, port: number): (() => void) | null {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
  const dir = join(userConfigDir(), 'serve');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const page = join(dir, `open-${port}.html`);
  writeFileSync(page, redirectPage(url), { mode: 0o600 });
  const remove = () => rmSync(page, { force: true });
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  try {
    const child = spawn(command, [pathToFileURL(page).href], { detached: true, stdio: 'ignore' });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener installed: the URL is printed anyway.
  }
  return remove;
}
