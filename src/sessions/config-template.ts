// The commented YAML that `fastify-aws sessions init` writes, generated from the option specs so it never drifts.
import { envName } from '../config/index.js'
import { sessionConfigSource, sessionOptions } from './options.js'

/** Options left out of the template: secrets belong in ENV, not in a file that gets committed. */
const NOT_IN_TEMPLATE = new Set(['secret_key'])

/**
 * A YAML file listing every session option readable from YAML, each commented out at its default with its
 * description and ENV name, so uncommenting a line is all a change takes.
 */
export function sessionConfigTemplate(): string {
  const lines = [
    '# DynamoDB session store (fastify-aws/sessions).',
    '# Precedence: options in code > AWS_DYNAMO_DB_SESSION_* ENV > this file > defaults.',
    '# ${VAR} and ${VAR:-default} are replaced from the environment.',
    '# The signing secret is not set here: use AWS_DYNAMO_DB_SESSION_SECRET_KEY (or secret_key: ${SESSION_SECRET}).',
    '',
  ]
  for (const [key, spec] of Object.entries(sessionOptions)) {
    if (spec.yaml === false || NOT_IN_TEMPLATE.has(key)) continue
    const env = envName(sessionConfigSource, key, spec)
    lines.push(`# ${spec.description}.${env ? ` ENV: ${env}.` : ''}`)
    lines.push(spec.default === undefined ? `# ${key}:` : `# ${key}: ${String(spec.default)}`)
    lines.push('')
  }
  return lines.join('\n')
}
