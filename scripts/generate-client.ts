import fs from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import * as prettier from 'prettier';
import { apiRoutes } from '../src/api/app';
import { buildOpenApiDocument } from '../src/api/openapi';

/** The committed output: the client's types and its table of operations. */
export const CLIENT_TYPES_FILE = path.resolve(__dirname, '../src/client/api-types.ts');

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The document `GET /openapi.json` serves, built the same way without starting the API. */
export function currentOpenApiDocument(): Record<string, unknown> {
  return buildOpenApiDocument(apiRoutes(() => ({}))) as unknown as Record<string, unknown>;
}

/**
 * `src/client/api-types.ts` for an OpenAPI document: openapi-typescript's types of every path,
 * operation and schema, and `OPERATIONS`, each operation's method and path by operationId, which the
 * client turns into one method per operation. Formatted as the repository formats TypeScript.
 */
export async function renderClientTypes(document: Record<string, unknown>): Promise<string> {
  const types = astToString(await openapiTS(document as never, { alphabetize: true }));
  const operations: Record<string, { method: string; path: string }> = {};
  const paths = (document.paths ?? {}) as Record<string, Record<string, { operationId?: string }>>;
  for (const [route, item] of Object.entries(paths)) {
    for (const method of HTTP_METHODS) {
      const operationId = item[method]?.operationId;
      if (!operationId) continue;
      if (operations[operationId]) throw new Error(`The operationId ${operationId} is used twice`);
      operations[operationId] = { method: method.toUpperCase(), path: route };
    }
  }
  const sorted = Object.fromEntries(Object.entries(operations).sort(([a], [b]) => a.localeCompare(b)));
  const source = [
    '/**',
    ' * The Hookline API as TypeScript types, generated from its OpenAPI document (`GET /openapi.json`) by',
    ' * `npm run client:generate` with openapi-typescript. Do not edit: regenerate.',
    ' */',
    types,
    '/** Each operation of the API, by operationId: its method and path (`{name}` marks a path parameter). */',
    `export const OPERATIONS = ${JSON.stringify(sorted)} as const;`,
    '',
  ].join('\n');
  const options = await prettier.resolveConfig(CLIENT_TYPES_FILE);
  return prettier.format(source, { ...options, filepath: CLIENT_TYPES_FILE });
}

async function main(): Promise<void> {
  const source = await renderClientTypes(currentOpenApiDocument());
  const before = fs.existsSync(CLIENT_TYPES_FILE) ? fs.readFileSync(CLIENT_TYPES_FILE, 'utf8') : '';
  fs.writeFileSync(CLIENT_TYPES_FILE, source);
  const name = path.relative(process.cwd(), CLIENT_TYPES_FILE);
  console.log(before === source ? `${name} is up to date` : `Wrote ${name}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
