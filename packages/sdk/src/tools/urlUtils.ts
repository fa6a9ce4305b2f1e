/**
 * Secret-looking query and fragment values are replaced before a URL leaves the browser
 * (the collector scrubs again, see apps/collector/src/ingest/scrub.ts).
 */
export const SECRET_PARAM =
  /pass|pwd|secret|token|api[-_]?key|auth|session|sig|otp|credential|private|^(?:code|key|email|sid)$/i

let fields: Set<string> | undefined

/**
 * Names of the fields of GET forms sent on this site: their values, typed by the visitor, sit in the query
 * string of the page the form leads to. Kept in localStorage (`sl_fields`, a JSON array, at most 64), so the
 * next page masks them too.
 */
const typedFields = (): Set<string> => {
  if (!fields) {
    fields = new Set()
    try {
      fields = new Set(JSON.parse(localStorage.sl_fields ?? '[]'))
    } catch {}
  }
  return fields
}

/** A GET form is being sent: its field names are masked in every URL from now on (see typedFields). */
export function maskFormFields(form: HTMLFormElement): void {
  const names = typedFields()
  for (const el of form.elements as unknown as Iterable<HTMLInputElement>) if (el.name) names.add(el.name)
  try {
    localStorage.sl_fields = JSON.stringify([...names].slice(-64))
  } catch {}
}

/** A query or fragment parameter whose value must not leave the browser. */
export const isSecretParam = (name: string): boolean => SECRET_PARAM.test(name) || typedFields().has(name)

/**
 * The URL with credentials and secret parameter values replaced, cut at 4,096 characters (MAX_URL_CHARS of
 * the wire format: the collector refuses an event whose URL is longer).
 */
export function scrubUrl(url: string): string {
  const q = url.search(/[?#]/) + 1 || url.length + 1
  return (
    url.slice(0, q - 1).replace(/\/\/[^/@\s]+@/, '//[redacted]@') +
    url.slice(q - 1).replace(/([?&#;])([^=&#]+)=([^&#]*)/g, (m, sep: string, name: string, value: string) => {
      let decoded = name
      try {
        decoded = decodeURIComponent(name)
      } catch {}
      return value && isSecretParam(decoded) ? `${sep}${name}=[redacted]` : m
    })
  ).slice(0, 4096)
}
