/**
 * The one error type the engine throws for problems a user can fix (bad files, bad configs,
 * missing projects). Anything else reaching the CLI or the UI is a bug and is shown as such.
 */

/** Where in a user's file a problem sits; rows and columns are 1-based as a spreadsheet shows them. */
export interface ErrorLocation {
  file?: string;
  row?: number;
  column?: string;
}

export type ErrorCode =
  | 'not-a-project'
  | 'unsupported-version'
  | 'invalid-project'
  | 'already-exists'
  | 'not-found'
  | 'bad-input'
  | 'bad-config'
  | 'unsupported'
  | 'cancelled'
  | 'internal';

export class CrucibleError extends Error {
  readonly code: ErrorCode;
  readonly location?: ErrorLocation;
  /** What the user can do about it, in one sentence. */
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, opts: { location?: ErrorLocation; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CrucibleError';
    this.code = code;
    this.location = opts.location;
    this.hint = opts.hint;
  }

  /** One line for a terminal or a status bar: `file, row 3, column "x": message. hint` */
  describe(): string {
    const loc = this.location;
    const where = loc
      ? [loc.file, loc.row !== undefined ? `row ${loc.row}` : undefined, loc.column !== undefined ? `column "${loc.column}"` : undefined]
          .filter(Boolean)
          .join(', ')
      : '';
    return `${where ? `${where}: ` : ''}${this.message}${this.hint ? ` ${this.hint}` : ''}`;
  }
}

export function isCrucibleError(e: unknown): e is CrucibleError {
  return e instanceof CrucibleError;
}
