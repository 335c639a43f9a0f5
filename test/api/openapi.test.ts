import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/api/app';
import { buildOpenApiDocument } from '../../src/api/openapi';

type Operation = { security: unknown[]; responses: Record<string, { headers?: Record<string, unknown> }> };

const document = buildOpenApiDocument(apiRoutes(() => ({})));
const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({
    name: `${method.toUpperCase()} ${path}`,
    operation,
  })),
);

describe('the OpenAPI document', () => {
  it.each(operations)('documents the 429 of the rate limit on $name', ({ operation }) => {
    expect(Object.keys(operation.responses['429']?.headers ?? {})).toEqual([
      'retry-after',
      'ratelimit',
      'ratelimit-policy',
    ]);
  });

  it('documents a 503 with Retry-After on every operation that reads a key, whose database may be locked', () => {
    const keyed = operations.filter(({ operation }) => operation.security.length > 0);

    expect(keyed.length).toBeGreaterThan(10);
    for (const { name, operation } of keyed) {
      expect(operation.responses['503']?.headers, name).toHaveProperty('retry-after');
    }
  });

  it('documents the 409 of a workspace that has all the webhooks it may', () => {
    expect(operations.find((o) => o.name === 'POST /v1/webhooks')?.operation.responses).toHaveProperty('409');
  });
});
