import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { build } from 'esbuild';
import { buildUiBundle } from '../src/api/ui/build-bundle';
import { WORKFLOW_TRACING_MODULE } from '../src/shared/tracing';
import { PREBUILT_TRACED_WORKFLOW_BUNDLE, PREBUILT_WORKFLOW_BUNDLE } from '../src/worker/create-worker';

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** The operators' commands, runnable where only `dist/` is: `node dist/scripts/keys.js`. */
const OPERATOR_SCRIPTS = ['keys.ts', 'encryption-key.ts'];

/**
 * `npm run build`: compiles `src/` to `dist/` (tsconfig.build.json), bundles the compiled workflows
 * into `dist/workflow-bundle.js`, which the worker then loads instead of bundling them at every start,
 * the settings page into `dist/ui/`, and the operators' scripts into `dist/scripts/`. Production runs `node dist/...`; `npm start` and the
 * tests run the sources.
 */
async function main(): Promise<void> {
  fs.rmSync(DIST, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });

  const bundlePath = path.join(DIST, path.relative(path.join(ROOT, 'src'), PREBUILT_WORKFLOW_BUNDLE));
  // Twice: workers that trace (OTEL_TRACES_EXPORTER) load the one with the tracing interceptors, the
  // others one without them, so that traces off cost nothing in workflows.
  for (const [output, workflowInterceptorModules] of [
    [bundlePath, []],
    [
      path.join(DIST, path.relative(path.join(ROOT, 'src'), PREBUILT_TRACED_WORKFLOW_BUNDLE)),
      [WORKFLOW_TRACING_MODULE],
    ],
  ] as const) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: path.join(DIST, 'workflows', 'index.js'),
      workflowInterceptorModules: [...workflowInterceptorModules],
      logger: { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop },
    });
    fs.writeFileSync(output, code);
  }
  // The settings page, which the build's rm above removed with the rest of dist/.
  await buildUiBundle();

  // Bundled with Hookline's modules inlined and packages left to node_modules. dist/scripts/ is two
  // levels below the root like every src/ module it inlines, so their paths from __dirname (the
  // migrations, the server cache) still point where they do from src/ and dist/.
  await build({
    entryPoints: OPERATOR_SCRIPTS.map((script) => path.join(ROOT, 'scripts', script)),
    outdir: path.join(DIST, 'scripts'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
  console.log(`Built ${path.relative(ROOT, DIST)}/ and ${path.relative(ROOT, bundlePath)}`);
}

const noop = () => undefined;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
