import Database from 'better-sqlite3';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import pg from 'pg';
import type { InvalidField } from '../../contract/problem';
import type { ApiKeyScope } from '../../db/schema';
import { someCause } from '../../shared/temporal-sdk';

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

/**
 * Temporal did not answer an event's start in time: the start may or may not have committed. Sending
 * the event again with the same id is safe either way (the workflow id refuses a second delivery).
 */
export class EmitOutcomeUnknownError extends TemporalUnavailableError {
  constructor(
    readonly eventId: string,
    options?: { cause?: unknown },
  ) {
    super(options);
    this.name = 'EmitOutcomeUnknownError';
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

/** A workspace already has as many of something as it may have; nothing was created. */
export class LimitExceededError extends Error {
  constructor(
    readonly resource: string,
    readonly limit: number,
  ) {
    super(`This workspace already has ${limit} ${resource}, the most it may have; delete one first`);
    this.name = 'LimitExceededError';
  }
}

/**
 * Another connection held SQLite's write lock past the busy timeout, or PostgreSQL could not serve the
 * statement for now (a lock held past `lock_timeout`, a server restarting or refusing connections);
 * nothing was written, the caller may try again. It carries only the database's code: the query and its
 * parameters stay out of logs.
 */
export class DatabaseBusyError extends Error {
  constructor(readonly code: string) {
    super(`The database is busy (${code})`);
    this.name = 'DatabaseBusyError';
  }
}

const { SqliteError } = Database;

/** better-sqlite3's codes for a lock held elsewhere, extended codes (`SQLITE_BUSY_SNAPSHOT`) included. */
const BUSY_CODE = /^SQLITE_(BUSY|LOCKED)(_[A-Z]+)?$/;

/**
 * PostgreSQL's codes for what passes: a connection exception (class 08), a lock not granted in time,
 * a serialization failure or deadlock, too many connections, a server shutting down or starting.
 */
const POSTGRES_TRANSIENT_CODE = /^(08[0-9A-Z]{3}|55P03|40001|40P01|53300|57P0[123])$/;

/** What node-postgres reports when the server cannot be reached or drops the connection. */
const UNREACHABLE_CODE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/;

/** The code of an error that says the database cannot serve the statement for now, if it is one. */
function transientCode(e: Error, raisedByQuery: boolean): string | undefined {
  const { code } = e as { code?: unknown };
  if (typeof code !== 'string') return undefined;
  if (e instanceof SqliteError) return BUSY_CODE.test(code) ? code : undefined;
  if (e instanceof pg.DatabaseError) return POSTGRES_TRANSIENT_CODE.test(code) ? code : undefined;
  // A socket error is the database's only when a statement raised it, not Temporal's or anyone else's.
  return raisedByQuery && UNREACHABLE_CODE.test(code) ? code : undefined;
}

/**
 * The domain's view of a database error: one that says the database cannot serve the statement for
 * now (see {@link DatabaseBusyError}), however wrapped (drizzle wraps it in a `DrizzleQueryError` with
 * it as `cause`), becomes {@link DatabaseBusyError}; anything else is returned as it is.
 */
export function fromDatabaseError(err: unknown): unknown {
  let code: string | undefined;
  let raisedByQuery = false;
  someCause(err, (e) => {
    raisedByQuery ||= e instanceof DrizzleQueryError;
    code = e instanceof Error ? transientCode(e, raisedByQuery) : undefined;
    return code !== undefined;
  });
  return code === undefined ? err : new DatabaseBusyError(code);
}
