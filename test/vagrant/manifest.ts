// vagrant/files.txt, as the Vagrantfile reads it: what each lab machine gets uploaded.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ManifestEntry {
  /** Path in the repository. */
  readonly path: string;
  /** Path under the machine's upload directory. */
  readonly dest: string;
  /** Roles that get it ('all' or a comma list). */
  readonly roles: string;
}

export function readManifest(): ManifestEntry[] {
  const text = readFileSync(fileURLToPath(new URL('../../vagrant/files.txt', import.meta.url)), 'utf8');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [path = '', dest = '', roles = ''] = l.split(/\s+/);
      return { path, dest, roles };
    });
}

export function forRole(entries: readonly ManifestEntry[], role: string): ManifestEntry[] {
  return entries.filter((e) => e.roles === 'all' || e.roles.split(',').includes(role));
}
