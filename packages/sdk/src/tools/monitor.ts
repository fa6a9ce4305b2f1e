/**
 * Never break the host page: every callback the SDK hands to the browser runs through monitor(),
 * which swallows its errors. The SDK never writes to the console itself. Callbacks take at most three
 * arguments, passed as they are: no rest array and no apply per call (listeners and emit run for every
 * event of the page).
 */
export const monitor = <A extends unknown[], R>(fn: (...args: A) => R) =>
  ((a?: unknown, b?: unknown, c?: unknown): R | undefined => {
    try {
      return (fn as unknown as (a: unknown, b: unknown, c: unknown) => R)(a, b, c)
    } catch {
      return undefined
    }
  }) as unknown as (...args: A) => R | undefined
