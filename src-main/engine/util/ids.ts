/**
 * The one rule for ids that name a file or folder inside a project: models, runs, tables and the
 * names a user gives them. Letters, digits, `_`, `-` and `.`, starting with a letter or digit, so an id
 * is always one plain path segment on every operating system: never empty, never `.` or `..`, no
 * separator, no drive letter. Pure (no Node imports): the API contract and the renderer use it too.
 */
export const ID_MAX_LENGTH = 100;

export const ID_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,${ID_MAX_LENGTH - 1}}$`);

export const ID_RULE = `letters, digits, _, - and ., starting with a letter or digit (at most ${ID_MAX_LENGTH} characters)`;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** A valid id made from free text (a run's name, a file name): other characters become `_`, the ends trimmed. */
export function toId(text: string, fallback: string, maxLength = ID_MAX_LENGTH): string {
  const id = text
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, maxLength)
    .replace(/[^A-Za-z0-9]+$/, '');
  return id || fallback;
}

/**
 * Table names are ids that are also plain SQL identifiers (letters, digits and `_`, starting with a letter),
 * so a user can query them in DuckDB without quoting.
 */
export const TABLE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

export const TABLE_NAME_RULE = 'letters, digits and _, starting with a letter (at most 63 characters)';
