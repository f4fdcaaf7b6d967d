// `ip:port` strings as NDJSON writes them. Pure; no I/O.

/** `10.0.0.1:80`, `[fd00::1]:80`, or the bare address when there is no port. */
export function endpoint(ip: string | undefined, port: number | undefined): string {
  const host = ip ?? '?';
  if (port === undefined) return host;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
