/**
 * Never break the host page: every callback the SDK hands to the browser runs through monitor(),
 * which swallows (and counts) its errors. The SDK never writes to the console itself.
 */
let internalErrors = 0

export function monitor<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R | undefined {
  return function monitored(this: unknown, ...args: A) {
    try {
      return fn.apply(this, args)
    } catch {
      internalErrors++
      return undefined
    }
  }
}

/** How many SDK callbacks threw (exposed for tests and for a future self-telemetry event). */
export const getInternalErrorCount = () => internalErrors
