// Validations (ActiveModel's presence, length, format, inclusion, numericality, plus custom rules), checked by
// `validate()` and before every save.
import type { Schema } from './schema.js'

/** One failed rule. */
export interface ValidationIssue {
  /** Attribute name in code, or "base" for a model-level rule. */
  attribute: string
  /** presence, length, format, inclusion, numericality or custom. */
  rule: string
  /** What is wrong, e.g. "is too short (minimum is 50 characters)". */
  message: string
}

function sizeOf(v: unknown): number {
  if (v === undefined || v === null) return 0
  if (typeof v === 'string' || Array.isArray(v)) return v.length
  if (v instanceof Set || v instanceof Map) return v.size
  if (typeof v === 'object') return Object.keys(v).length
  return String(v).length
}

function blank(v: unknown): boolean {
  if (v === undefined || v === null) return true
  if (typeof v === 'string') return v.trim() === ''
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return false
  return sizeOf(v) === 0
}

/** Every failed rule of every attribute, in declaration order, then the model's own rule. */
export function validateValues(
  schema: Schema,
  values: Record<string, unknown>,
  modelRule: ((item: never) => string | readonly string[] | undefined | void) | undefined,
  item: unknown,
): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  for (const a of schema.attributes) {
    const rules = a.validate
    if (rules === undefined) continue
    const v = values[a.name]
    const add = (rule: string, message: string): void => void issues.push({ attribute: a.name, rule, message })
    if (rules.presence && blank(v)) add('presence', "can't be blank")
    if (rules.length && !(rules.length.allowNil && (v === undefined || v === null))) {
      const n = sizeOf(v)
      const unit = typeof v === 'string' || v === undefined || v === null ? 'characters' : 'elements'
      const { min, max, is } = rules.length
      if (is !== undefined && n !== is) add('length', `is the wrong length (should be ${is} ${unit})`)
      if (min !== undefined && n < min) add('length', `is too short (minimum is ${min} ${unit})`)
      if (max !== undefined && n > max) add('length', `is too long (maximum is ${max} ${unit})`)
    }
    if (rules.format && v !== undefined && v !== null && !rules.format.test(String(v))) add('format', `is invalid (must match ${rules.format})`)
    if (rules.inclusion && v !== undefined && v !== null && !rules.inclusion.includes(v)) {
      add('inclusion', `is not included in the list (${rules.inclusion.map((x) => JSON.stringify(x)).join(', ')})`)
    }
    if (rules.numericality && v !== undefined && v !== null) {
      const n = typeof v === 'number' ? v : Number(v)
      const { integer, min, max } = rules.numericality
      if (!Number.isFinite(n)) add('numericality', 'is not a number')
      else {
        if (integer && !Number.isInteger(n)) add('numericality', 'must be an integer')
        if (min !== undefined && n < min) add('numericality', `must be greater than or equal to ${min}`)
        if (max !== undefined && n > max) add('numericality', `must be less than or equal to ${max}`)
      }
    }
    if (rules.custom) {
      const message = rules.custom(v)
      if (typeof message === 'string' && message !== '') add('custom', message)
    }
  }
  if (modelRule) {
    const out = modelRule(item as never)
    for (const message of typeof out === 'string' ? [out] : (out ?? [])) issues.push({ attribute: 'base', rule: 'custom', message })
  }
  return issues
}

/** "post_title can't be blank; post_body is too short (minimum is 50 characters)". */
export function describeIssues(issues: readonly ValidationIssue[]): string {
  return issues.map((i) => (i.attribute === 'base' ? i.message : `${i.attribute} ${i.message}`)).join('; ')
}
