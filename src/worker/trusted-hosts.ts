// The Docker host addresses the sqsd guard trusts besides loopback: single addresses or CIDR ranges, checked at
// start-up so that a typo is an error rather than an entry silently dropped while the log says it is trusted.
import ipaddr from 'ipaddr.js'

type Address = ipaddr.IPv4 | ipaddr.IPv6

/** A trusted entry: an address and a prefix length (32 or 128 for a single address). */
export interface TrustedRange {
  readonly address: Address
  readonly prefix: number
}

/** Example of the accepted forms, for messages. */
const FORMS = 'e.g. 172.17.0.1, fd00::1 or 172.16.0.0/12'

/**
 * Reads one entry: an IPv4/IPv6 address or a CIDR range (spaces around it ignored). IPv4-mapped IPv6 forms become
 * IPv4, as the addresses they are compared with do. Throws an Error naming the entry when it is neither.
 */
export function parseTrustedHost(entry: string): TrustedRange {
  const text = entry.trim()
  try {
    if (text.includes('/')) {
      const [address, prefix] = ipaddr.parseCIDR(text)
      return unmapped(address, prefix)
    }
    if (ipaddr.isValid(text)) {
      const address = ipaddr.parse(text)
      return unmapped(address, address.kind() === 'ipv4' ? 32 : 128)
    }
  } catch {
    // fall through to the error below
  }
  throw new Error(`"${text}" is neither an IP address nor a CIDR range (${FORMS}); host names are not resolved`)
}

function unmapped(address: Address, prefix: number): TrustedRange {
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    return { address: (address as ipaddr.IPv6).toIPv4Address(), prefix: prefix - 96 }
  }
  return { address, prefix }
}

/** The entry in normal form: `10.0.0.0/8`, or the bare address for a single one. */
export function formatTrustedHost({ address, prefix }: TrustedRange): string {
  const full = address.kind() === 'ipv4' ? 32 : 128
  return prefix === full ? address.toNormalizedString() : `${address.toNormalizedString()}/${prefix}`
}

/** True when `address` (already processed: IPv4-mapped → IPv4) lies in `range`. */
export function inTrustedRange(address: Address, range: TrustedRange): boolean {
  return address.kind() === range.address.kind() && address.match(range.address as never, range.prefix)
}

/** What the `docker_hosts` setting resolves to: detect, none, or these entries (normal form). */
export type DockerHostsSetting = 'auto' | false | readonly string[]

/**
 * Reads the `docker_hosts` setting from ENV/YAML/code: `auto`, `none` (or `false`), a comma-separated list or a
 * YAML/code list of addresses and CIDR ranges. Throws an Error whose message completes "expected ...".
 */
export function readDockerHostsSetting(raw: unknown): DockerHostsSetting {
  if (raw === false) return false
  let entries: string[]
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase()
    if (word === 'auto') return 'auto'
    if (word === 'none' || word === 'false') return false
    entries = raw.split(',')
  } else if (Array.isArray(raw) && raw.every((e) => typeof e === 'string')) {
    entries = raw as string[]
  } else {
    throw new Error(DOCKER_HOSTS_EXPECTED)
  }
  const out: string[] = []
  for (const entry of entries) {
    if (entry.trim() === '') continue
    try {
      out.push(formatTrustedHost(parseTrustedHost(entry)))
    } catch (err) {
      throw new Error(`${DOCKER_HOSTS_EXPECTED}; ${(err as Error).message}`, { cause: err })
    }
  }
  if (out.length === 0) throw new Error(DOCKER_HOSTS_EXPECTED)
  return out
}

/** What `docker_hosts` accepts, for messages and the options table. */
export const DOCKER_HOSTS_EXPECTED = 'auto, none, or a comma-separated list of IP addresses and CIDR ranges'
