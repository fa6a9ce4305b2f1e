import { monitor } from './monitor.js'

/**
 * Wraps method `k` of `o` (fetch, XMLHttpRequest methods, console levels, history methods): `around` runs
 * first, monitored, with the call's `this` and arguments; then the original, whose result the caller always
 * gets; then the function `around` returned, if any, with that result (errors swallowed). Returns the
 * function that restores the original, unless someone wrapped ours since: theirs stays, and ours passes
 * through once `around` has nothing left to do.
 */
// biome-ignore lint/suspicious/noExplicitAny: the patched method's own arguments
export function patch<R, A extends any[] = any[]>(
  // biome-ignore lint/suspicious/noExplicitAny: patches browser globals of different shapes
  o: any,
  k: string,
  // biome-ignore lint/suspicious/noExplicitAny: the patched method's own `this`
  around: (self: any, args: A) => ((result: R) => void) | false | undefined,
): () => void {
  const original = o[k]
  const pre = monitor(around)
  const ours = function (this: unknown, ...args: A) {
    const after = pre(this, args)
    const result = original.apply(this, args)
    try {
      if (after) after(result)
    } catch {}
    return result
  }
  o[k] = ours
  return () => {
    if (o[k] === ours) o[k] = original
  }
}
