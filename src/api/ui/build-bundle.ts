import fs from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { UI_BUNDLE_DIR } from './settings';

/** The page's sources; only the sources build it, never the compiled `dist/`. */
const UI_SOURCE_DIR = path.resolve(__dirname, '../../../src/ui');

export interface BuildUiOptions {
  /** Default {@link UI_BUNDLE_DIR}. */
  outDir?: string;
}

export interface BuiltUi {
  outDir: string;
  /** The files of `assets/`, by name. */
  assets: string[];
  bytes: number;
  ms: number;
}

/**
 * Bundles the settings page (src/ui) with esbuild: one script and one stylesheet whose names carry a
 * hash of their content, and the `index.html` that loads them, written last so that a server reading
 * the folder meanwhile never sees a page whose assets are missing. Assets of earlier builds are removed.
 */
export async function buildUiBundle(options: BuildUiOptions = {}): Promise<BuiltUi> {
  const started = performance.now();
  const outDir = options.outDir ?? UI_BUNDLE_DIR;
  const assetsDir = path.join(outDir, 'assets');
  const result = await build({
    entryPoints: { app: path.join(UI_SOURCE_DIR, 'main.tsx'), favicon: path.join(UI_SOURCE_DIR, 'favicon.svg') },
    tsconfig: path.join(UI_SOURCE_DIR, 'tsconfig.json'),
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    loader: { '.svg': 'copy' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.entries(result.metafile.outputs).map(([file, meta]) => ({
    name: path.basename(file),
    meta,
  }));
  const nameOf = (test: (o: (typeof outputs)[number]) => boolean, what: string) => {
    const found = outputs.find(test);
    if (!found) throw new Error(`The settings page's build produced no ${what}`);
    return found.name;
  };
  const script = nameOf((o) => o.meta.entryPoint?.endsWith('main.tsx') === true, 'script');
  const stylesheet = nameOf((o) => o.name.startsWith('app-') && o.name.endsWith('.css'), 'stylesheet');
  const icon = nameOf((o) => o.name.startsWith('favicon-'), 'icon');

  const html = indexHtml({ script, stylesheet, icon });
  const temporary = path.join(outDir, `index.html.${process.pid}.tmp`);
  await fs.writeFile(temporary, html);
  await fs.rename(temporary, path.join(outDir, 'index.html'));

  const current = new Set(outputs.map((o) => o.name));
  for (const file of await fs.readdir(assetsDir)) {
    if (!current.has(file)) await fs.rm(path.join(assetsDir, file), { force: true });
  }
  const bytes = outputs.reduce((sum, o) => sum + o.meta.bytes, 0) + Buffer.byteLength(html);
  return { outDir, assets: [...current], bytes, ms: Math.round(performance.now() - started) };
}

function indexHtml(assets: { script: string; stylesheet: string; icon: string }): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Webhooks · Hookline</title>
    <link rel="icon" href="/ui/assets/${assets.icon}" type="image/svg+xml">
    <link rel="stylesheet" href="/ui/assets/${assets.stylesheet}">
    <script type="module" src="/ui/assets/${assets.script}"></script>
  </head>
  <body>
    <div id="app"></div>
    <noscript>The webhooks settings page needs JavaScript.</noscript>
  </body>
</html>
`;
}
