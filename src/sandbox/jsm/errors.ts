/** Which error body a route answers with: Jira platform `ErrorCollection` or the JSM `errorMessage` shape. */
export type ErrorFlavour = 'jira' | 'jsm';

/** One error type for the emulator's HTTP boundary; rendered per route flavour. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 429,
    message: string,
    readonly fieldErrors: Record<string, string> = {},
    readonly i18nKey = 'sd.error.generic',
  ) {
    super(message);
  }
}

export const badRequest = (message: string, fieldErrors: Record<string, string> = {}): ApiError =>
  new ApiError(400, message, fieldErrors);
export const forbidden = (message: string): ApiError => new ApiError(403, message);
export const notFound = (message: string): ApiError => new ApiError(404, message);

export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

export function errorBody(error: ApiError, flavour: ErrorFlavour): unknown {
  if (flavour === 'jsm') {
    const fields = Object.entries(error.fieldErrors).map(([field, text]) => `${field}: ${text}`);
    const message = [error.message, ...fields].filter((part) => part !== '').join(' ');
    return { errorMessage: message, i18nErrorMessage: { i18nKey: error.i18nKey, parameters: [] } };
  }
  return { errorMessages: error.message === '' ? [] : [error.message], errors: error.fieldErrors };
}

export function errorResponse(error: ApiError, flavour: ErrorFlavour, headers: Record<string, string> = {}): Response {
  return Response.json(errorBody(error, flavour), { status: error.status, headers });
}
