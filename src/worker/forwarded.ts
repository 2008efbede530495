// The `for=` addresses of an RFC 7239 `Forwarded` header, so the sqsd guard weighs them as it does X-Forwarded-For.

/**
 * The `for=` value of every element of a `Forwarded` header, unquoted, brackets and ports removed
 * (`for="[2001:db8::17]:4711"` → `2001:db8::17`, `for="192.0.2.60:80"` → `192.0.2.60`). `unknown` and obfuscated
 * identifiers (`_hidden`) are returned as they are: they are no address, so the guard does not trust them. Text that is
 * not a well-formed header comes back whole, for the same reason.
 */
export function forwardedForAddresses(header: string): string[] {
  const out: string[] = []
  for (const element of splitOutsideQuotes(header, ',')) {
    for (const pair of splitOutsideQuotes(element, ';')) {
      const eq = pair.indexOf('=')
      if (eq < 0) {
        if (pair.trim() !== '') out.push(header) // "for" without a value: malformed
        continue
      }
      if (pair.slice(0, eq).trim().toLowerCase() !== 'for') continue
      const value = unquote(pair.slice(eq + 1).trim())
      out.push(value === undefined ? header : withoutPort(value))
    }
  }
  return out
}

/** Splits on `sep` where it is not inside a quoted string (quoted-pair escapes honoured). */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const parts: string[] = []
  let start = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted && c === '\\') i++
    else if (c === '"') quoted = !quoted
    else if (!quoted && c === sep) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts
}

/** A token as it is, a quoted string without its quotes and escapes; undefined for an unterminated quote. */
function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return value
  if (value.length < 2 || !value.endsWith('"')) return undefined
  return value.slice(1, -1).replace(/\\(.)/g, '$1')
}

/** `[v6]:port` → `v6`, `[v6]` → `v6`, `v4:port` → `v4`; anything else unchanged. */
function withoutPort(node: string): string {
  if (node.startsWith('[')) {
    const end = node.indexOf(']')
    return end < 0 ? node : node.slice(1, end)
  }
  const colon = node.indexOf(':')
  return colon >= 0 && node.indexOf(':', colon + 1) < 0 ? node.slice(0, colon) : node
}
