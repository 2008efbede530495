// HTML built one way: every interpolated value is escaped unless it is already markup made here (SafeHtml).
// Nothing from a message, a queue or a job ever reaches a script, a style or an unquoted attribute.

/** Markup that is already escaped; only {@link html} and {@link raw} make it. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

/**
 * A template tag: interpolated values are escaped; SafeHtml is kept as it is; arrays are joined; null, undefined
 * and false render nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += fragment(values[i]) + strings[i + 1]!
  return new SafeHtml(out)
}

function fragment(value: unknown): string {
  if (value instanceof SafeHtml) return value.value
  if (value === null || value === undefined || value === false) return ''
  if (Array.isArray(value)) return value.map(fragment).join('')
  return escapeHtml(String(value))
}

/** Trusted markup written in this folder (CSS, the page script): never pass anything that came from outside. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup)
}

// C0/C1 controls other than tab and newline, and UTF-16 halves without their other half (what a non-UTF-8 byte
// or a cut emoji becomes): shown as escapes, so a body's bytes are visible and never break the page.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/**
 * Text from outside (a message body, an argument, an error), made displayable: invisible characters and lone
 * surrogates shown as `\uXXXX`, cut to `max` characters with a note of how many more there were. Still text:
 * interpolate it with {@link html}, which escapes it.
 */
export function shown(text: string, max = 2_000): string {
  const cut = text.length > max ? text.slice(0, max) : text
  const visible = cut.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return text.length > max ? `${visible}… (${text.length - max} more characters)` : visible
}

/** A value as compact JSON text for display (`undefined` for what JSON cannot show), cut like {@link shown}. */
export function shownJson(value: unknown, max = 2_000, indent?: number): string {
  let json: string | undefined
  try {
    json = JSON.stringify(value, null, indent)
  } catch {
    json = undefined
  }
  return shown(json ?? String(value), max)
}

/** A duration in ms, readable: `0.42 ms`, `12 ms`, `3.4 s`, `2 min 5 s`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?'
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`
}

/** An epoch-ms time as ISO-8601 UTC to the second. */
export function isoTime(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '?'
}
