// Reads an app's deployment files as EB does: option_settings of every .ebextensions/*.config (name order, later
// wins; mapping and list forms), nginx timeouts in .platform/nginx/conf.d, and the Procfile's processes.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import yaml from 'js-yaml'
import { DeployConfigError } from '../errors.js'

export type OptionSettings = Map<string, Map<string, unknown>>

export function readOptionSettings(root: string): OptionSettings {
  const settings: OptionSettings = new Map()
  const dir = join(root, '.ebextensions')
  if (!existsSync(dir)) return settings
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.config')).sort()) {
    const file = join(dir, name)
    let doc: unknown
    try {
      doc = yaml.load(readFileSync(file, 'utf8'), { filename: file })
    } catch (err) {
      throw new DeployConfigError(`.ebextensions/${name} is not valid YAML: ${(err as Error).message.split('\n')[0]}. Fix the file; EB would refuse the deployment.`)
    }
    const options = (doc as { option_settings?: unknown } | null)?.option_settings
    const set = (namespace: string, option: string, value: unknown): void => {
      let ns = settings.get(namespace)
      if (ns === undefined) settings.set(namespace, (ns = new Map()))
      ns.set(option, value)
    }
    if (Array.isArray(options)) {
      for (const o of options as Array<{ namespace?: unknown; option_name?: unknown; value?: unknown }>) {
        if (typeof o?.namespace === 'string' && typeof o.option_name === 'string') set(o.namespace, o.option_name, o.value)
      }
    } else if (options !== null && typeof options === 'object') {
      for (const [namespace, values] of Object.entries(options as Record<string, unknown>)) {
        if (values !== null && typeof values === 'object') for (const [k, v] of Object.entries(values)) set(namespace, k, v)
      }
    }
  }
  return settings
}

export function readNginxTimeouts(root: string): { read?: number; send?: number } {
  const dir = join(root, '.platform', 'nginx', 'conf.d')
  const out: { read?: number; send?: number } = {}
  if (!existsSync(dir)) return out
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.conf'))) {
    const text = readFileSync(join(dir, name), 'utf8').replace(/#.*$/gm, '')
    for (const m of text.matchAll(/\bproxy_(read|send)_timeout\s+(\d+)(ms|s|m|h)?\s*;/g)) {
      const n = Number(m[2])
      const seconds = m[3] === 'ms' ? n / 1000 : m[3] === 'm' ? n * 60 : m[3] === 'h' ? n * 3600 : n
      const key = m[1] as 'read' | 'send'
      out[key] = Math.min(out[key] ?? Infinity, seconds)
    }
  }
  return out
}

export interface ProcfileProcess { name: string; command: string; script: string | undefined }

export function readProcfile(root: string): ProcfileProcess[] | undefined {
  const file = join(root, 'Procfile')
  if (!existsSync(file)) return undefined
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^([A-Za-z0-9_-]+):\s*(.+?)\s*$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, command: m[2]!, script: nodeScript(m[2]!) }))
}

/** The file `node [flags] <file>` starts, or undefined for any other command. */
export function nodeScript(command: string): string | undefined {
  return /(?:^|\s)node\s+(?:-\S+\s+)*([^\s-]\S*\.[cm]?js)\b/.exec(command)?.[1]
}
