/** `crucible init DIR`: creates a project folder (project.json, data.duckdb, runs/, models/). */
import type { Command } from 'commander';
import { initProject } from '../../engine/project';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a project folder (project.json, data.duckdb, runs/, models/)')
    .argument('<dir>', 'folder to create, or an empty folder')
    .option('--name <name>', 'project name (default: the folder name)')
    .action(async (dir: string, opts: { name?: string }) => {
      const project = await initProject(dir, { name: opts.name });
      process.stdout.write(`Created project "${project.name}" in ${project.dir}\n`);
    });
}
