import path from 'node:path';
import { buildUiBundle } from '../src/api/ui/build-bundle';

/** `npm run build:ui`: bundles the settings page into `dist/ui` (also run by `npm install` and `npm start`). */
async function main(): Promise<void> {
  const built = await buildUiBundle();
  const where = path.relative(process.cwd(), built.outDir) || '.';
  console.log(`Settings page built in ${built.ms} ms: ${where} (${Math.round(built.bytes / 1024)} KiB)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
