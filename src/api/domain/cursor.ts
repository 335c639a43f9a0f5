import { ValidationError } from './errors';

/** Opaque, URL-safe pagination cursors: callers pass back what they were given, nothing else. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(cursor: string, isValid: (value: unknown) => value is T): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isValid(value)) return value;
  } catch {
    // Reported below like any other foreign cursor.
  }
  throw new ValidationError([{ field: 'cursor', message: 'Not a cursor returned by this API' }], 'query');
}
