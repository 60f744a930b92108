/** `crucible import DIR FILE`: loads a data file (data/import/formats.ts) into a table of the project, all or nothing. */
import { InvalidArgumentError, type Command } from 'commander';
import { describeProblem, formatNames, importFile, parseCurveSpec, parseLongSpec, SOURCE_EXTENSIONS } from '../../engine/data/import';
import { DECIMAL_MARKS, TEXT_DELIMITERS, type DecimalMark, type TextDelimiter } from '../../engine/data/import/formats';
import { openProject } from '../../engine/project';

interface ImportCliOptions {
  table?: string;
  formulaColumn?: string;
  idColumn?: string;
  curve: string[];
  long?: string;
  delimiter?: TextDelimiter;
  decimalMark?: DecimalMark;
  replace: boolean;
}

/** A character, or its name as the import preview shows it (`semicolon`, `tab`; `comma` for the decimal mark). */
function byCharOrName<C extends string>(names: Record<C, string>): (value: string) => C {
  const word = (name: string) => name.split(' (')[0];
  return (value) => {
    const found = (Object.keys(names) as C[]).find((c) => c === value || word(names[c]) === value.toLowerCase());
    if (found === undefined) throw new InvalidArgumentError(`expected one of ${Object.values<string>(names).map(word).join(', ')}.`);
    return found;
  };
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerImport(program: Command): void {
  program
    .command('import')
    .description(`import a ${formatNames()} file into a project table (all or nothing)`)
    .argument('<dir>', 'project folder')
    .argument('<file>', `file to import (${SOURCE_EXTENSIONS.join(' ')})`)
    .option('--table <name>', 'table name (default: the file name, sanitised)')
    .option('--formula-column <column>', 'column holding chemical formulas (default: a column named "formula")')
    .option('--id-column <column>', 'column identifying each row')
    .option('--curve <Y:X>', 'list column Y measured on list column X (repeatable; Y1,Y2:X for several)', collect, [])
    .option('--long <ID,X,Y>', 'fold one-row-per-point data into curves: ID column(s) joined by +, x column, y column(s)')
    .option(
      '--delimiter <name>',
      'character between the fields of a CSV file: comma, semicolon, tab or "vertical bar" (default: detected)',
      byCharOrName(TEXT_DELIMITERS),
    )
    .option('--decimal-mark <name>', 'decimal mark of its numbers: point or comma (default: detected)', byCharOrName(DECIMAL_MARKS))
    .option('--replace', 'replace an existing table of the same name', false)
    .action(async (dir: string, file: string, opts: ImportCliOptions) => {
      const project = await openProject(dir);
      const result = await importFile(project, file, {
        table: opts.table,
        formulaColumn: opts.formulaColumn,
        idColumn: opts.idColumn,
        curves: opts.curve.flatMap(parseCurveSpec),
        long: opts.long === undefined ? undefined : parseLongSpec(opts.long),
        reading: { delimiter: opts.delimiter, decimalMark: opts.decimalMark },
        replace: opts.replace,
      });
      const t = result.table;
      const details = [
        t.formulaColumn && `formula column "${t.formulaColumn}"`,
        t.curves.length > 0 && `curves ${t.curves.map((c) => `${c.y}:${c.x}`).join(', ')}`,
        t.longFormat && `folded from ${t.longFormat.sourceRows.toLocaleString('en-US')} rows`,
      ].filter(Boolean);
      process.stdout.write(
        `Imported ${t.sourceFile} into table "${t.name}": ${t.rowCount.toLocaleString('en-US')} rows, ${result.columns.length} columns` +
          `${details.length ? ` (${details.join('; ')})` : ''}.\n`,
      );
      for (const p of result.problems) process.stderr.write(`${p.severity}: ${describeProblem(p)}\n`);
    });
}
