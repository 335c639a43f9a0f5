import { describe, expect, it } from 'vitest';
import { classifyResponse, type AttemptOutcome } from '../../src/activities/classify';
import type { OutgoingResponse } from '../../src/activities/http';

const URL = 'https://receiver.example/hooks';
const response = (statusCode: number, extra: Partial<Extract<OutgoingResponse, { kind: 'response' }>> = {}) =>
  ({ kind: 'response', statusCode, bodyExcerpt: '', bodyComplete: true, durationMs: 12, ...extra }) as const;

const cases: [string, OutgoingResponse, Partial<AttemptOutcome>][] = [
  ['200 is delivered', response(200), { kind: 'delivered', statusCode: 200, durationMs: 12 }],
  ['204 is delivered', response(204), { kind: 'delivered', statusCode: 204 }],
  ['299 is delivered', response(299), { kind: 'delivered', statusCode: 299 }],
  [
    'a 2xx whose body then stalls is delivered: the status arrived',
    response(200, { bodyExcerpt: 'par', bodyComplete: false }),
    { kind: 'delivered', statusCode: 200 },
  ],
  [
    'a 301 is a retryable status failure: redirects are not followed',
    response(301),
    { kind: 'failed', type: 'HttpStatus', statusCode: 301, nonRetryable: false, message: 'Receiver answered HTTP 301' },
  ],
  [
    'a 410 ends the delivery without retrying',
    response(410, { bodyExcerpt: 'gone for good' }),
    {
      kind: 'failed',
      type: 'EndpointGone',
      statusCode: 410,
      nonRetryable: true,
      message: 'Receiver answered 410 Gone: gone for good',
    },
  ],
  [
    'a 500 is retried, with the start of the body in the message',
    response(500, { bodyExcerpt: 'database down' }),
    {
      kind: 'failed',
      type: 'HttpStatus',
      statusCode: 500,
      nonRetryable: false,
      message: 'Receiver answered HTTP 500: database down',
    },
  ],
  ['a 429 is retried', response(429), { kind: 'failed', type: 'HttpStatus', statusCode: 429, nonRetryable: false }],
  [
    'a 404 is retried (only 410 is taken as final)',
    response(404),
    { kind: 'failed', type: 'HttpStatus', statusCode: 404, nonRetryable: false },
  ],
  [
    'a timeout is retried and names the budget',
    { kind: 'timeout', durationMs: 5_000 },
    {
      kind: 'failed',
      type: 'Timeout',
      nonRetryable: false,
      message: `No response from ${URL} within 5000 ms`,
    },
  ],
  [
    'a refused or reset connection is retried and names the error',
    { kind: 'connection-error', code: 'ECONNRESET', message: 'other side closed', durationMs: 3 },
    {
      kind: 'failed',
      type: 'ConnectionError',
      nonRetryable: false,
      message: `Could not deliver to ${URL}: ECONNRESET other side closed`,
    },
  ],
];

describe('classifyResponse', () => {
  it.each(cases)('%s', (_name, outgoing, expected) => {
    expect(classifyResponse(outgoing, URL)).toMatchObject(expected);
  });

  it('reports no status code for failures that got no answer', () => {
    const outcome = classifyResponse({ kind: 'timeout', durationMs: 5_000 }, URL);
    expect(outcome).not.toHaveProperty('statusCode');
  });
});
