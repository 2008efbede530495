// Writing a key that came from outside (a message, a header) into a plain object.

/** `out[key] = value`, except that a key named `__proto__` becomes an own key (assigning it would set the prototype). */
export function setOwnKey(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}
