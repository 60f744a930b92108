/** Where Crucible keeps per-user state (recent projects, the demo project): XDG on Linux, overridable for tests. */
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export function userConfigDir(): string {
  if (process.env.CRUCIBLE_CONFIG_DIR) return process.env.CRUCIBLE_CONFIG_DIR;
  if (platform() === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Crucible');
  if (platform() === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Crucible');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'crucible');
}
