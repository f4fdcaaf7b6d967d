// `ip:port` strings as NDJSON writes them. Pure; no I/O.

/** `10.0.0.1:80`, `[fd00::1]:80`, or the bare address when there is no port. */
export function endpoint(ip: string | undefined, port: number | undefined): string {
  const host = ip ?? '?';
  if (port === undefined) return host;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A multicast or broadcast destination (normalised text: IPv6 compressed, lower case). */
export function isGroupAddress(ip: string | undefined): boolean {
  if (ip === undefined) return false;
  if (ip.includes(':')) return ip.startsWith('ff');
  const first = Number(ip.slice(0, ip.indexOf('.')));
  return (first >= 224 && first <= 239) || ip === '255.255.255.255';
}
