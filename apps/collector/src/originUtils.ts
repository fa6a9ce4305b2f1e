/**
 * Allowed-origin patterns of a site: an exact origin (`https://shop.example`), a subdomain wildcard
 * (`https://*.example.com`), or `*` for any origin. Returns the normalised pattern or throws with
 * the reason.
 */
export function normalizeOriginPattern(input: string): string {
  const value = input.trim()
  if (value === '*') return '*'
  const wildcard = /^(https?):\/\/\*\.(.+)$/.exec(value)
  if (wildcard)
    return `${wildcard[1]}://*.${normalizeOrigin(`${wildcard[1]}://${wildcard[2]}`).split('://')[1]}`
  return normalizeOrigin(value)
}

function normalizeOrigin(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new Error(`"${value}" is not a URL origin such as https://shop.example`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`"${value}" must use http or https`)
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) {
    throw new Error(`"${value}" must be an origin only (scheme, host and port), without path or query`)
  }
  return url.origin
}

/** Whether a request's Origin header value matches any of a site's patterns. */
export function isOriginAllowed(origin: string, patterns: readonly string[]): boolean {
  for (const pattern of patterns) {
    if (pattern === '*' || pattern === origin) return true
    const star = pattern.indexOf('://*.')
    if (star !== -1) {
      const scheme = pattern.slice(0, star)
      const suffix = pattern.slice(star + 4) // ".example.com"
      if (
        origin.startsWith(`${scheme}://`) &&
        origin.endsWith(suffix) &&
        origin.length > scheme.length + 3 + suffix.length
      ) {
        return true
      }
    }
  }
  return false
}
