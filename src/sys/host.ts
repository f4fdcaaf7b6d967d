// Small read-only questions about the host: is a program installed, can a file be read, are we root.
import { access, constants, readFile, writeFile } from 'node:fs/promises';

/** True when `name` is an executable in PATH (or the usual sbin directories). */
export async function isOnPath(name: string): Promise<boolean> {
  const dirs = new Set([...(process.env['PATH'] ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  for (const dir of dirs) {
    if (
      dir &&
      (await access(`${dir}/${name}`, constants.X_OK).then(
        () => true,
        () => false,
      ))
    )
      return true;
  }
  return false;
}

export function canRead(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** A /proc/sys value (`net.netfilter.nf_log_all_netns`), trimmed; null when it does not exist. */
export async function readSysctl(key: string): Promise<string | null> {
  return readFile(`/proc/sys/${key.replaceAll('.', '/')}`, 'utf8').then(
    (v) => v.trim(),
    () => null,
  );
}

export async function writeSysctl(key: string, value: string): Promise<void> {
  await writeFile(`/proc/sys/${key.replaceAll('.', '/')}`, value + '\n');
}

/** Whether process `pid` still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
