/**
 * Secret-looking query and fragment values are replaced before a URL leaves the browser
 * (the collector scrubs again, see apps/collector/src/ingest/scrub.ts).
 */
export const SECRET_PARAM =
  /pass|pwd|secret|token|api[-_]?key|auth|session|sig|otp|credential|private|^(?:code|key|email|sid)$/i

export function scrubUrl(url: string): string {
  const q = url.search(/[?#]/)
  if (q === -1) return url.replace(/\/\/[^/@\s]+@/, '//[redacted]@')
  const base = url.slice(0, q).replace(/\/\/[^/@\s]+@/, '//[redacted]@')
  const rest = url
    .slice(q)
    .replace(/([?&#;])([^=&#]+)=([^&#]*)/g, (m, sep: string, name: string, value: string) => {
      let decoded = name
      try {
        decoded = decodeURIComponent(name)
      } catch {}
      return value && SECRET_PARAM.test(decoded) ? `${sep}${name}=[redacted]` : m
    })
  return base + rest
}
