// Finds the SDK v3 client base classes (`Client` of `@smithy/core/client`, or of `@smithy/smithy-client` in older
// SDKs) that an application may be using. An install can hold several copies: a package pinned to another SDK
// version gets its own nested `@smithy/core`, and each copy has its own `Client.prototype`, so each must be found.
import { existsSync, readdirSync, realpathSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { SdkInstrumentationError } from '../errors.js'
import { describe, isSdkClient } from './instrumentation-attach.js'

/** @internal The prototype whose `send` every SDK v3 client call goes through. */
export interface SdkClientPrototype {
  send: (...args: unknown[]) => unknown
}

/** @internal One copy of the SDK client base class, and where it came from. */
export interface SdkClientBase {
  /** The module file it was loaded from, or `class <Name> (given)` for one passed in code. */
  readonly source: string
  readonly prototype: SdkClientPrototype
}

// Where the base class lives: the merged package of current SDKs first, then the standalone one of older SDKs.
const BASE_MODULES = ['@smithy/core/client', '@smithy/smithy-client'] as const
const BASE_PACKAGE_DIRS = [join('@smithy', 'core'), join('@smithy', 'smithy-client')] as const
// npm nests a conflicting version under the package that needs it; two levels catch `a/node_modules/b/node_modules`.
const NESTING_DEPTH = 2

/**
 * Every copy of the SDK client base class reachable from `anchors` (directories; each is searched in its
 * `node_modules` and those of its parents, as `require` would, plus packages' nested `node_modules` and the pnpm
 * store). Copies are told apart by their resolved file, so one copy reached twice is listed once.
 */
export function findSdkClientBases(anchors: readonly string[]): SdkClientBase[] {
  const moduleDirs = new Set<string>()
  // Anchors share most of their lookup chain (the app and fastify-aws in it): walk each directory once.
  const walked = new Set<string>()
  for (const anchor of anchors) {
    const lookup = createRequire(join(resolve(anchor), 'fastify-aws-anchor.js')).resolve.paths('@smithy/core') ?? []
    for (const dir of lookup) {
      if (walked.has(dir) || !existsSync(dir)) continue
      walked.add(dir)
      collectModuleDirs(dir, NESTING_DEPTH, moduleDirs)
    }
  }
  const bases: SdkClientBase[] = []
  const seenFiles = new Set<string>()
  const seenPrototypes = new Set<object>()
  for (const dir of moduleDirs) {
    // A require() rooted inside `dir` resolves `dir`'s own copy first.
    const req = createRequire(join(dir, 'fastify-aws-probe.js'))
    for (const id of BASE_MODULES) {
      const loaded = tryLoad(req, id)
      if (loaded === undefined || seenFiles.has(loaded.file)) continue
      seenFiles.add(loaded.file)
      const proto = clientPrototypeOf(loaded.exports)
      // Newer @smithy/smithy-client re-exports the @smithy/core class: same prototype, one entry.
      if (proto === undefined || seenPrototypes.has(proto)) continue
      seenPrototypes.add(proto)
      bases.push({ source: loaded.file, prototype: proto })
    }
  }
  return bases
}

function collectModuleDirs(nodeModules: string, depth: number, out: Set<string>): void {
  if (BASE_PACKAGE_DIRS.some((p) => existsSync(join(nodeModules, p)))) out.add(realpath(nodeModules))
  if (depth === 0) return
  for (const entry of list(nodeModules)) {
    if (entry === '.pnpm') {
      // pnpm's store: .pnpm/@smithy+core@3.41.1/node_modules/@smithy/core
      for (const stored of list(join(nodeModules, entry))) {
        if (stored.startsWith('@smithy+core@') || stored.startsWith('@smithy+smithy-client@')) {
          collectModuleDirs(join(nodeModules, entry, stored, 'node_modules'), 0, out)
        }
      }
    } else if (entry.startsWith('@')) {
      for (const name of list(join(nodeModules, entry))) nested(join(nodeModules, entry, name), depth, out)
    } else if (!entry.startsWith('.')) {
      nested(join(nodeModules, entry), depth, out)
    }
  }
}

function nested(packageDir: string, depth: number, out: Set<string>): void {
  const inner = join(packageDir, 'node_modules')
  if (existsSync(inner)) collectModuleDirs(inner, depth - 1, out)
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

function realpath(dir: string): string {
  try {
    return realpathSync(dir)
  } catch {
    return dir
  }
}

function tryLoad(req: NodeJS.Require, id: string): { file: string; exports: unknown } | undefined {
  let file: string
  try {
    file = req.resolve(id)
  } catch {
    return undefined // not installed there, or an old @smithy/core without the ./client entry
  }
  try {
    return { file, exports: req(file) }
  } catch (err) {
    // Skipping it would leave that copy's clients silently unpublished: say which file is broken instead.
    throw new SdkInstrumentationError(`${file} could not be loaded (${(err as Error).message}); reinstall it.`)
  }
}

function clientPrototypeOf(exports: unknown): SdkClientPrototype | undefined {
  const Client = (exports as { Client?: unknown } | null)?.Client
  if (typeof Client !== 'function') return undefined
  const proto = (Client as { prototype?: Partial<SdkClientPrototype> }).prototype
  return proto !== undefined && typeof proto.send === 'function' ? (proto as SdkClientPrototype) : undefined
}

/**
 * The base class prototype of an SDK client class (`SQSClient`) or instance: the deepest prototype in its chain
 * that defines both `send` and `destroy`, as the smithy `Client` does.
 *
 * @throws {SdkInstrumentationError} naming `label` when `value` is neither.
 */
export function sdkClientBaseOf(value: unknown, label: string): SdkClientBase {
  const isClass = typeof value === 'function'
  if (!isClass && !isSdkClient(value)) {
    throw new SdkInstrumentationError(
      `${label} is ${describe(value)}, not an AWS SDK v3 client class or instance. Pass the class you construct ` +
        '(SQSClient, DynamoDBClient, ...) or a client instance.',
    )
  }
  let proto: unknown = isClass ? (value as { prototype?: unknown }).prototype : Object.getPrototypeOf(value)
  let base: SdkClientPrototype | undefined
  while (proto !== null && typeof proto === 'object' && proto !== Object.prototype) {
    if (Object.hasOwn(proto, 'send') && Object.hasOwn(proto, 'destroy')) base = proto as SdkClientPrototype
    proto = Object.getPrototypeOf(proto)
  }
  if (base === undefined || typeof base.send !== 'function') {
    throw new SdkInstrumentationError(
      `${label} (${describe(value)}) is not an AWS SDK v3 client class: no class in its prototype chain defines ` +
        'send() and destroy(). Pass the class you construct (SQSClient, DynamoDBClient, ...) or a client instance.',
    )
  }
  const name = isClass ? (value as { name?: string }).name : (value as object).constructor?.name
  return { source: `class ${name || '(anonymous)'} (given)`, prototype: base }
}
