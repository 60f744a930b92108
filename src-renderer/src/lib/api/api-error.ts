/** A failed request as the renderer sees it: the engine's user-facing message, hint and location. */
import type { ApiErrorData } from '../../../../src-main/api/contract';

export class ApiError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly location?: ApiErrorData['location'];

  constructor(data: ApiErrorData) {
    super(data.message);
    this.name = 'ApiError';
    this.code = data.code;
    this.hint = data.hint;
    this.location = data.location;
  }
}
