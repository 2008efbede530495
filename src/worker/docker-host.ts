// Which addresses are "the Docker host" when this process runs in a container (EB's Docker platforms).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The default bridge gateway, trusted whenever we run in Docker (as aws-sdk-rails does). */
export const DEFAULT_DOCKER_BRIDGE = '172.17.0.1'

/** Reads a file under a /proc root, or undefined when it cannot be read. */
function read(procRoot: string, path: string): string | undefined {
  try {
    return readFileSync(join(procRoot, path), 'utf8')
  } catch {
    return undefined
  }
}

/** True when `/proc/1/cgroup` (cgroup v1) or `/proc/self/mountinfo` (cgroup v2, AL2023) shows a Docker container. */
export function runningInDocker(procRoot = '/proc'): boolean {
  if (read(procRoot, '1/cgroup')?.includes('/docker/')) return true
  return read(procRoot, 'self/mountinfo')?.includes('/docker/containers/') ?? false
}

/**
 * Default gateways from a `/proc/net/route` table: rows with Destination 00000000 and the RTF_GATEWAY flag, whose
 * Gateway is a little-endian hex IPv4 address (`01B0A8C0` → `192.168.176.1`).
 */
export function defaultGateways(routeTable: string): string[] {
  const out: string[] = []
  for (const line of routeTable.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f.length !== 11) continue
    const [, destination, gateway, flags] = f
    if (destination !== '00000000' || !gateway || !/^[0-9A-Fa-f]{8}$/.test(gateway)) continue
    if (!flags || !/^[0-9A-Fa-f]+$/.test(flags) || (Number.parseInt(flags, 16) & 0x2) === 0) continue
    const bytes = gateway.match(/../g)!.map((h) => Number.parseInt(h, 16))
    out.push(bytes.reverse().join('.'))
  }
  return out
}

/** Docker host addresses to trust: none outside Docker; inside, 172.17.0.1 plus every default gateway. */
export function dockerHostAddresses(procRoot = '/proc'): string[] {
  if (!runningInDocker(procRoot)) return []
  const gateways = defaultGateways(read(procRoot, 'net/route') ?? '')
  return [...new Set([DEFAULT_DOCKER_BRIDGE, ...gateways])]
}
