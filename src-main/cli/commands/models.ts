/** `crucible models import|list|delete`: the model bundles kept in a project. */
import type { Command } from 'commander';
import { deleteModel, importModel, listModels, type ModelEntry } from '../../engine/export/bundle/index';
import { openProject } from '../../engine/project/index';

/** One line per model: id, name, tasks with units, input, size. */
function describe(m: ModelEntry): string {
  const size = `${(m.bytes / 1024 / 1024).toFixed(1)} MiB`;
  if (!m.manifest) return `${m.id}  (cannot be read: ${m.problem})`;
  const { manifest } = m;
  const tasks = manifest.tasks.map((t) => `${t.name} (${t.kind}${t.unit ? `, ${t.unit}` : ''})`).join(', ');
  const input = manifest.input.featurizer ? `formulas via ${manifest.input.featurizer.id}` : `${manifest.input.descriptors.columns.length} descriptor columns`;
  return `${m.id}  "${manifest.name}": ${tasks}; from ${input}; ${manifest.createdAt.slice(0, 10)}; ${size}`;
}

export function registerModels(program: Command): void {
  const models = program.command('models').description("manage a project's model bundles (import, list, delete)");
  models
    .command('import')
    .description('check a .crucible bundle and copy it into the project (nothing is written if any check fails)')
    .argument('<file>', 'bundle file')
    .option('--project <dir>', 'project folder (default: the current folder)', '.')
    .option('--name <id>', "the model's name in the project (default: the file name)")
    .option('--replace', 'replace a model with the same name', false)
    .action(async (file: string, opts: { project: string; name?: string; replace: boolean }) => {
      const entry = await importModel(await openProject(opts.project), file, { id: opts.name, replace: opts.replace });
      process.stdout.write(`Imported ${describe(entry)}\n`);
    });
  models
    .command('list')
    .description("list the project's models")
    .option('--project <dir>', 'project folder (default: the current folder)', '.')
    .action(async (opts: { project: string }) => {
      const entries = await listModels(await openProject(opts.project));
      process.stdout.write(entries.length === 0 ? 'No models yet: add one with `crucible models import`.\n' : `${entries.map(describe).join('\n')}\n`);
    });
  models
    .command('delete')
    .description('delete a model from the project')
    .argument('<name>', "the model's name (see `crucible models list`)")
    .option('--project <dir>', 'project folder (default: the current folder)', '.')
    .action(async (id: string, opts: { project: string }) => {
      await deleteModel(await openProject(opts.project), id);
      process.stdout.write(`Deleted model "${id}".\n`);
    });
}
