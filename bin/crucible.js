#!/usr/bin/env node
// The `crucible` command. Runs the built CLI (out/main/cli.js) when present, otherwise the
// TypeScript sources through tsx (a development checkout before `npm run build`).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'out', 'main', 'cli.js');

if (existsSync(built) && !process.env.CRUCIBLE_FROM_SOURCE) {
  await import(pathToFileURL(built).href);
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('crucible: not built yet and tsx is not installed; run `npm run build` first.\n');
    process.exit(1);
  }
  await import(pathToFileURL(join(root, 'src-main', 'cli', 'main.ts')).href);
}
