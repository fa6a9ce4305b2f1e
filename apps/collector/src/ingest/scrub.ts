/**
 * Server-side scrubbing, the second line of privacy behind the SDK's masking: every string of an
 * event (rrweb records included) is checked, and every replacement is counted by rule.
 */

export const SCRUB_RULES = [
  'card',
  'iban',
  'bearer',
  'url_secret',
  'url_credentials',
  'email',
  'secret_key',
  'json_secret',
  'jwt',
  'private_key',
  'ssn',
  'password_field',
] as const
export type ScrubRule = (typeof SCRUB_RULES)[number]
export type ScrubCounts = Partial<Record<ScrubRule, number>>

const REDACTED = '[redacted]'

/** Object keys whose values are secrets whatever they hold (compared lowercased, without - and _). */
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'secret',
  'token',
  'apikey',
  'credential',
  'privatekey',
  'cookie',
  'csrf',
  'xsrf',
  'mysqlpwd',
]
const SECRET_KEYS_EXACT = new Set([
  'pwd',
  'auth',
  'authorization',
  'proxyauthorization',
  'otp',
  'twofactor',
  'sessionid',
  'sid',
  'pin',
  'cvv',
  'cvc',
  'ssn',
])

/** Keys repeat endlessly (every click has the same ones): remember the verdict, within a bound. */
const secretKeyCache = new Map<string, boolean>()
const SECRET_KEY_CACHE_MAX = 10_000

export function isSecretKey(key: string): boolean {
  const cached = secretKeyCache.get(key)
  if (cached !== undefined) return cached
  const k = key.toLowerCase().replace(/[-_\s]/g, '')
  const secret = SECRET_KEYS_EXACT.has(k) || SECRET_KEY_PARTS.some((part) => k.includes(part))
  if (secretKeyCache.size >= SECRET_KEY_CACHE_MAX) secretKeyCache.clear()
  secretKeyCache.set(key, secret)
  return secret
}

const CARD_RE = /\b\d(?:[ -]?\d){12,18}\b/g
const IBAN_RE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g
const BEARER_RE = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi
const URL_CREDENTIALS_RE = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi
/** `name=value` with a secret-looking name: in a query or fragment, a form body, a cookie, or free text. */
const URL_SECRET_RE =
  /((?:^|[?&#;\s])(?:[^=&#\s"'<>]*?)(?:pass|pwd|secret|token|api[-_]?key|apikey|auth|session|sig|signature|otp|credential|private|code|\bkey\b|\bsid\b)[^=&#\s"'<>]*=)([^&#;\s"'<>]*)/gi
/** `"name": value` inside text (a JSON request body or console message kept as a string). */
const JSON_SECRET_RE = /"([^"\\]{1,64})"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*)/g
const JWT_RE = /\beyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g
const PRIVATE_KEY_RE = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g
/** US social security numbers, dashed (the undashed form is indistinguishable from other numbers). */
const SSN_RE = /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g
const EMAIL_RE = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g

function luhn(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, '')
  const moved = s.slice(4) + s.slice(0, 4)
  let rest = 0
  for (const ch of moved) {
    const code = ch.charCodeAt(0)
    const value = code >= 65 ? String(code - 55) : ch
    for (const digit of value) rest = (rest * 10 + (digit.charCodeAt(0) - 48)) % 97
  }
  return rest === 1
}

const wellFormed = String.prototype as unknown as { isWellFormed(): boolean; toWellFormed(): string }

/**
 * PostgreSQL text and jsonb cannot hold NUL, and jsonb refuses a lone UTF-16 surrogate (a string cut in
 * the middle of an emoji): either would fail the whole write, so both become U+FFFD before they get there.
 */
function storable(value: string): string {
  const out = value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value
  return wellFormed.isWellFormed.call(out) ? out : wellFormed.toWellFormed.call(out)
}

/** Counts one replacement (a function, not a closure per call: scrubString runs for every string). */
function bump(counts: ScrubCounts, rule: ScrubRule): void {
  counts[rule] = (counts[rule] ?? 0) + 1
}

/** Scrubs one string; adds what it replaced to `counts`. Idempotent: its output scrubs to itself. */
export function scrubString(value: string, counts: ScrubCounts): string {
  let out = storable(value)
  if (out.length < 6) return out
  if (out.includes('://') && out.includes('@')) {
    out = out.replace(URL_CREDENTIALS_RE, (_m, scheme: string) => {
      bump(counts, 'url_credentials')
      return `${scheme}${REDACTED}@`
    })
  }
  if (out.includes('=')) {
    out = out.replace(URL_SECRET_RE, (m, name: string, secret: string) => {
      if (!secret || secret === REDACTED || secret === encodeURIComponent(REDACTED)) return m
      bump(counts, 'url_secret')
      return `${name}${REDACTED}`
    })
  }
  if (out.includes('":')) {
    out = out.replace(JSON_SECRET_RE, (m, key: string, sep: string, value: string) => {
      if (!isSecretKey(key) || value === `"${REDACTED}"` || value === '""') return m
      bump(counts, 'json_secret')
      return `"${key}"${sep}"${REDACTED}"`
    })
  }
  if (out.includes('PRIVATE KEY-----')) {
    out = out.replace(PRIVATE_KEY_RE, () => {
      bump(counts, 'private_key')
      return '[private key]'
    })
  }
  if (out.includes('eyJ')) {
    out = out.replace(JWT_RE, () => {
      bump(counts, 'jwt')
      return '[jwt]'
    })
  }
  if (/bearer|basic|token/i.test(out)) {
    out = out.replace(BEARER_RE, (m, scheme: string) => {
      if (m.endsWith(REDACTED)) return m
      bump(counts, 'bearer')
      return `${scheme} ${REDACTED}`
    })
  }
  if (out.includes('@')) {
    out = out.replace(EMAIL_RE, () => {
      bump(counts, 'email')
      return '[email]'
    })
  }
  if (/\d{4}/.test(out)) {
    out = out.replace(CARD_RE, (m) => {
      const digits = m.replace(/[ -]/g, '')
      // Issuer ranges start with 2-6 (Mastercard 2/5, Amex/JCB/Diners 3, Visa 4, Discover/UnionPay 6).
      if (digits.length < 13 || digits.length > 19 || !/^[2-6]/.test(digits) || !luhn(digits)) return m
      bump(counts, 'card')
      return '[card]'
    })
    out = out.replace(IBAN_RE, (m) => {
      if (!ibanValid(m)) return m
      bump(counts, 'iban')
      return '[iban]'
    })
    if (out.includes('-'))
      out = out.replace(SSN_RE, () => {
        bump(counts, 'ssn')
        return '[ssn]'
      })
  }
  return out
}

/**
 * The attributes of a password field in an rrweb snapshot or mutation (`type: password`, or marked by
 * rrweb after a "show password" toggle): its value is a password whatever it looks like. A password typed
 * later arrives as an input event that names only a node id: only the SDK can mask that one.
 */
function isPasswordField(node: Record<string, unknown>): boolean {
  const value = node.value
  if (typeof value !== 'string' || value === '' || value === REDACTED) return false
  return (
    (typeof node.type === 'string' && node.type.toLowerCase() === 'password') || 'data-rr-is-password' in node
  )
}

/**
 * Scrubs every string inside `root` in place (and values under secret-named keys entirely), walking
 * iteratively so deeply nested rrweb snapshots cannot overflow the stack. Returns the new root
 * (a bare string is returned scrubbed).
 */
export function scrubDeep<T>(root: T, counts: ScrubCounts): T {
  if (typeof root === 'string') return scrubString(root, counts) as T
  if (root === null || typeof root !== 'object') return root
  const stack: unknown[] = [root]
  while (stack.length) {
    const node = stack.pop() as Record<string, unknown> | unknown[]
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i]
        if (typeof v === 'string') node[i] = scrubString(v, counts)
        else if (v !== null && typeof v === 'object') stack.push(v)
      }
      continue
    }
    if (isPasswordField(node)) {
      node.value = REDACTED
      counts.password_field = (counts.password_field ?? 0) + 1
    }
    for (const rawKey of Object.keys(node)) {
      let key = rawKey
      if (storable(rawKey) !== rawKey) {
        key = storable(rawKey)
        node[key] = node[rawKey]
        delete node[rawKey]
      }
      const v = node[key]
      if (
        isSecretKey(key) &&
        v !== null &&
        v !== undefined &&
        v !== '' &&
        v !== REDACTED &&
        typeof v !== 'boolean'
      ) {
        node[key] = REDACTED
        counts.secret_key = (counts.secret_key ?? 0) + 1
      } else if (typeof v === 'string') node[key] = scrubString(v, counts)
      else if (v !== null && typeof v === 'object') stack.push(v)
    }
  }
  return root
}

export function totalScrubbed(counts: ScrubCounts): number {
  let n = 0
  for (const v of Object.values(counts)) n += v ?? 0
  return n
}
