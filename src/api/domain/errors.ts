import type { InvalidField } from '../../contract/problem';
import type { ApiKeyScope } from '../../db/schema';

/** Errors of the API's domain: the error middleware maps each to an HTTP problem; nothing here knows HTTP. */

export class NotFoundError extends Error {
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`No ${resource} with id ${id} in this workspace`);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

export class ValidationError extends Error {
  constructor(
    readonly fields: readonly InvalidField[],
    /** Where the invalid fields came from. */
    readonly source: 'body' | 'query' | 'params' | 'headers' = 'body',
  ) {
    super(`Invalid ${source}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`);
    this.name = 'ValidationError';
  }
}

/** Temporal could not be reached in time; nothing was accepted, the caller may try again. */
export class TemporalUnavailableError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('The Temporal server cannot be reached', options);
    this.name = 'TemporalUnavailableError';
  }
}

export class AuthenticationError extends Error {
  constructor(message = 'Send an API key as `Authorization: Bearer <key>` or `x-api-key: <key>`') {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** The caller's key is valid but its scope does not cover the request. */
export class ForbiddenError extends Error {
  constructor(
    readonly requiredScope: ApiKeyScope,
    readonly keyScope: ApiKeyScope,
  ) {
    super(`This request needs an API key with the \`${requiredScope}\` scope; this key has \`${keyScope}\``);
    this.name = 'ForbiddenError';
  }
}
