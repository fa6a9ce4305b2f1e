/**
 * Never break the host page: every callback the SDK hands to the browser runs through monitor(),
 * which swallows its errors. The SDK never writes to the console itself.
 */
export function monitor<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined {
  return function monitored(this: unknown, ...args: A) {
    try {
      return fn.apply(this, args)
    } catch {
      return undefined
    }
  }
}

/**
 * monitor() for callbacks of one or two arguments that return nothing (event listeners, emit): no rest
 * array and no apply per call, on the paths that run for every event.
 */
export function guard<A, B = undefined>(fn: (a: A, b: B) => unknown): (a: A, b?: B) => void {
  return (a, b) => {
    try {
      fn(a, b as B)
    } catch {}
  }
}
