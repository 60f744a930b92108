/** `crucible report RUN_DIR|BUNDLE [--out FILE]`: a run as one self-contained HTML page to send a colleague, or the page a bundle carries. */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { CrucibleError } from '../../engine/errors';
import { BUNDLE_EXTENSION, MEMBERS, readBundle } from '../../engine/export/bundle/index';
import { openProject } from '../../engine/project/index';
import { runReport, sourceSteps } from '../../engine/report/index';
import { writeFileAtomic } from '../../engine/util/atomic-write';

interface ReportCliOptions {
  out?: string;
  project?: string;
}

async function bundleReport(file: string): Promise<Uint8Array> {
  const html = (await readBundle(file)).members.get(MEMBERS.report);
  if (!html)
    throw new CrucibleError('not-found', `${basename(file)} holds no report.html: it was exported by an older Crucible.`, {
      hint: 'Run `crucible report` on the run folder the bundle was exported from, or export the run again.',
    });
  return html;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a run as one self-contained HTML page (metrics against the baseline, plots, provenance), or extract a bundle’s')
    .argument('<run-or-bundle>', 'run folder written by `crucible train`, or a .crucible bundle')
    .option('--out <file>', 'the HTML file (default: ./<run or bundle name>-report.html)')
    .option('--project <dir>', 'project whose tables the run trained on (for the x values of curves)')
    .action(async (source: string, opts: ReportCliOptions) => {
      const path = resolve(source);
      const out = resolve(opts.out ?? `${basename(path, BUNDLE_EXTENSION)}-report.html`);
      if (!existsSync(dirname(out)) || !statSync(dirname(out)).isDirectory())
        throw new CrucibleError('not-found', `Folder ${dirname(out)} does not exist.`, { hint: 'Create it first, or write the report elsewhere.' });
      const isBundle = existsSync(path) && statSync(path).isFile();
      const project = opts.project ? await openProject(opts.project) : undefined;
      const html = isBundle ? await bundleReport(path) : new TextEncoder().encode(await runReport(path, { steps: sourceSteps(path, project) }));
      await writeFileAtomic(out, html);
      process.stdout.write(`${out}\n`);
      process.stderr.write(`Report of ${basename(path)}: ${Math.ceil(html.length / 1024)} KiB, one file that opens offline in any browser.\n`);
    });
}
