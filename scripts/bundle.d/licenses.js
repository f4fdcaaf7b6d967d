// The notices of the third-party packages inside the single-file build: their MIT/ISC licenses ask that
// the copyright and permission notice travel with every copy, so the bundle ends with them (a comment).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The package directories (node_modules/…/name) that esbuild's metafile says it took files from. */
function packageDirs(root, metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(join(root, m[1]));
  }
  return [...dirs].sort();
}

function licenseText(dir) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : null;
}

/** A block comment listing every bundled package with its license text. */
export function licenseComment(root, metafile) {
  const parts = ['Third-party packages in this file, with their licenses:'];
  for (const dir of packageDirs(root, metafile)) {
    const pj = join(dir, 'package.json');
    if (!existsSync(pj)) continue;
    const pkg = JSON.parse(readFileSync(pj, 'utf8'));
    parts.push(
      '',
      `---- ${pkg.name}@${pkg.version} (${pkg.license ?? 'see below'})`,
      licenseText(dir) ?? '(no license file)',
    );
  }
  return `/*\n${parts.join('\n').replaceAll('*/', '* /')}\n*/\n`;
}
