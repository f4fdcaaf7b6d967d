#!/usr/bin/env node
// `npm run bundle`: the whole CLI in one file, dist/fwtrace.mjs, that runs with only `node` >= 20.19 on a
// server with no npm and no internet (scp it over, then `node fwtrace.mjs …` or `chmod +x` it).
//
//   node scripts/bundle.js [--outfile PATH] [--minify] [--quiet]
//
// Entry: bin/fwtrace.js (the same Node version guard), with src/ compiled by esbuild (no tsc step, never a
// stale dist/). How the run-time file lookups of blessed and main.ts are dealt with: scripts/bundle.d.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { licenseComment } from './bundle.d/licenses.js';
import { blessedData, blessedWidgets, packageJson, srcEntry } from './bundle.d/plugins.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = { outfile: join(root, 'dist', 'fwtrace.mjs'), minify: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--outfile' && argv[i + 1]) opts.outfile = resolve(argv[++i]);
    else if (a === '--minify') opts.minify = true;
    else if (a === '--quiet') opts.quiet = true;
    else {
      console.error('usage: node scripts/bundle.js [--outfile PATH] [--minify] [--quiet]');
      process.exit(2);
    }
  }
  return opts;
}

// CommonJS packages (blessed, commander, split2) call require(): give the ES module one.
const BANNER = [
  "import { createRequire as __fwtraceCreateRequire } from 'node:module';",
  'const require = __fwtraceCreateRequire(import.meta.url);',
].join('\n');

const opts = parseArgs(process.argv.slice(2));
const t0 = performance.now();
const result = await build({
  entryPoints: [join(root, 'bin', 'fwtrace.js')],
  outfile: opts.outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: opts.minify,
  legalComments: 'none', // the full license texts are appended instead
  banner: { js: BANNER },
  // blessed's Terminal widget (unused) requires optional packages that are not installed.
  external: ['pty.js', 'term.js'],
  plugins: [srcEntry(root), packageJson(root), blessedWidgets(root), blessedData(root)],
  metafile: true,
  logLevel: 'warning',
});
if (result.errors.length > 0) process.exit(1);
writeFileSync(opts.outfile, readFileSync(opts.outfile, 'utf8') + licenseComment(root, result.metafile));
chmodSync(opts.outfile, 0o755);
if (!opts.quiet) {
  const size = readFileSync(opts.outfile).length;
  const ms = Math.round(performance.now() - t0);
  console.log(`${opts.outfile}: ${(size / 1024).toFixed(0)} KiB in ${ms} ms`);
}
