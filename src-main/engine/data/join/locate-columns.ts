/**
 * Which attributes table a task's column comes from. A column name found in exactly one table needs no more;
 * a name two tables share must be written `<table>.<column>` (the error names both tables).
 */
import { CrucibleError } from '../../errors';
import { suggestionHint } from '../../util/suggest';

export interface NamedSource {
  /** The table's name, or the file's stem: the qualifier of `<source>.<column>`. */
  name: string;
  columns: readonly string[];
}

export interface LocatedColumn {
  source: number;
  column: string;
}

/**
 * The source and column `ref` names; `preferred` (the source of the task's data column, for its steps column)
 * settles a name several tables share. `purpose` reads like `data column of task "gap"`.
 */
export function locateColumn(sources: readonly NamedSource[], ref: string, purpose: string, preferred?: number): LocatedColumn {
  const dot = ref.indexOf('.');
  if (dot > 0) {
    const source = sources.findIndex((s) => s.name === ref.slice(0, dot));
    if (source >= 0 && sources[source].columns.includes(ref.slice(dot + 1))) return { source, column: ref.slice(dot + 1) };
  }
  const holders = sources.flatMap((s, i) => (s.columns.includes(ref) ? [i] : []));
  if (holders.length === 1) return { source: holders[0], column: ref };
  if (preferred !== undefined && holders.includes(preferred)) return { source: preferred, column: ref };
  if (holders.length > 1) {
    const names = holders.map((i) => sources[i].name);
    throw new CrucibleError('bad-config', `The ${purpose} "${ref}" is a column of ${names.map((n) => `"${n}"`).join(' and ')}.`, {
      hint: `Write which one is meant: ${names.map((n) => `${n}.${ref}`).join(' or ')}.`,
    });
  }
  const all = sources.flatMap((s) => [...s.columns, ...s.columns.map((c) => `${s.name}.${c}`)]);
  throw new CrucibleError('bad-config', `The ${purpose} is "${ref}", but none of the tables ${sources.map((s) => `"${s.name}"`).join(', ')} has that column.`, {
    hint: suggestionHint(ref, all, 'column'),
  });
}
