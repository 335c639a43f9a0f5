/**
 * `npm run lint` checks the import graph with this: no circles, type-only imports included (ESLint's
 * cycle rules skip those), so every module's dependencies run one way.
 * @type {import('dependency-cruiser').IConfiguration}
 */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle, type-only imports included.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Count imports that TypeScript erases (`import type`): a type-only circle is still a circle.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|\\.cache|data|drizzle|bench/results)/' },
  },
};
