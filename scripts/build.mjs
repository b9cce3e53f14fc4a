// Builds the server (TypeScript → dist/) and, when there are any, the browser
// modules (client/*.ts → public/js/, bundled by esbuild, no CDN at run time).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

// `--client` builds only the browser modules (tests and `npm run dev` run the server from source).
const clientOnly = process.argv.includes('--client');
// `--production` or NODE_ENV=production: no source maps, and old ones are removed.
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';
if (!clientOnly) {
  rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  const tsc = spawnSync(bin('tsc'), ['-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('\nThe server did not compile (see the errors above).');
    process.exit(tsc.status ?? 1);
  }
}

const clientDir = path.join(root, 'client');
const entries = existsSync(clientDir)
  ? readdirSync(clientDir)
      .filter((f) => f.endsWith('.page.ts'))
      .map((f) => path.join(clientDir, f))
  : [];
if (entries.length > 0) {
  const { build } = await import('esbuild');
  if (production) {
    const out = path.join(root, 'public', 'js');
    if (existsSync(out)) for (const f of readdirSync(out).filter((n) => n.endsWith('.map'))) rmSync(path.join(out, f));
  }
  await build({
    entryPoints: entries,
    outdir: path.join(root, 'public', 'js'),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    // No source maps in production builds (the app refuses to serve one there anyway).
    sourcemap: !production,
    entryNames: '[name]',
    logLevel: 'warning',
  });
}
