/**
 * An error with the HTTP answer WorkOS would give. Thrown by the data model both for wire requests
 * (the server turns it into the response) and for programmatic calls (where its message explains
 * the mistake in the test setup).
 */
export class EmulatorApiError extends Error {
  override readonly name = 'EmulatorApiError';

  constructor(
    readonly status: number,
    /** JSON body: `{ code, message }`, or `{ error, error_description }` for OAuth failures. */
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.message === 'string' ? body.message : String(body.error_description ?? body.error));
  }
}

/** 404 `entity_not_found`; the SDK raises `NotFoundException`. */
export function notFound(entity: string, id: string): EmulatorApiError {
  return new EmulatorApiError(404, { code: 'entity_not_found', message: `${entity} not found: '${id}'.`, entity_id: id });
}

/** 422 validation failure; the SDK raises `UnprocessableEntityException`. */
export function unprocessable(message: string, code = 'invalid_request_parameters'): EmulatorApiError {
  return new EmulatorApiError(422, { code, message });
}

/** 409 conflict; the SDK raises `ConflictException`. */
export function conflict(message: string, code = 'conflict'): EmulatorApiError {
  return new EmulatorApiError(409, { code, message });
}

/** 400 with a `code`; the SDK raises `GenericServerException` (status 400). */
export function badRequest(message: string, code = 'invalid_request'): EmulatorApiError {
  return new EmulatorApiError(400, { code, message });
}

/** 401; the SDK raises `UnauthorizedException` whatever the body. */
export function unauthorized(message = 'Invalid API key.'): EmulatorApiError {
  return new EmulatorApiError(401, { code: 'unauthorized', message });
}

/** OAuth-style failure of `/user_management/authenticate`; the SDK raises `OauthException`. */
export function oauthError(error: string, description: string, status = 400): EmulatorApiError {
  return new EmulatorApiError(status, { error, error_description: description });
}
