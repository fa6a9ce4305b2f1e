import { describe, expect, it } from 'vitest'
import { isSecretKey, type ScrubCounts, scrubDeep, scrubString } from './scrub.js'

const scrub = (s: string) => {
  const counts: ScrubCounts = {}
  return { out: scrubString(s, counts), counts }
}

describe('scrubString', () => {
  it('should replace Luhn-valid card numbers with spaces or dashes, and leave other numbers', () => {
    expect(scrub('paid with 4111 1111 1111 1111 today')).toEqual({
      out: 'paid with [card] today',
      counts: { card: 1 },
    })
    expect(scrub('mc 5555-5555-5555-4444, amex 378282246310005').out).toBe('mc [card], amex [card]')
    expect(scrub('order 1234567890123 shipped')).toEqual({ out: 'order 1234567890123 shipped', counts: {} })
  })

  it('should replace bearer tokens and url credentials', () => {
    expect(scrub('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig').out).toBe(
      'Authorization: Bearer [redacted]',
    )
    expect(scrub('https://admin:hunter22@db.example/x').out).toBe('https://[redacted]@db.example/x')
  })

  it('should replace secret query values but keep the rest of the URL', () => {
    const { out, counts } = scrub(
      'https://a.example/cb?code=abc123&state=ok&access_token=XYZ&page=2#id_token=QQQ',
    )
    expect(out).toBe(
      'https://a.example/cb?code=[redacted]&state=ok&access_token=[redacted]&page=2#id_token=[redacted]',
    )
    expect(counts).toEqual({ url_secret: 3 })
  })

  it('should replace emails and valid IBANs', () => {
    expect(scrub('write to jane.doe+shop@example.co.uk now').out).toBe('write to [email] now')
    expect(scrub('IBAN DE89 3704 0044 0532 0130 00 thanks').out).toBe('IBAN [iban] thanks')
    expect(scrub('GB00 0000 0000 0000 0000 00').out).toBe('GB00 0000 0000 0000 0000 00')
  })

  it('should be idempotent', () => {
    const once = scrub(
      'Bearer abcdefghijk ?token=1234567 4111111111111111 a@b.example {"secret":"s"} 123-45-6789 token=x1',
    ).out
    expect(scrub(once)).toEqual({ out: once, counts: {} })
  })

  it('should replace secret assignments in form bodies, cookies and free text', () => {
    expect(scrub('password=hunter22&user=jane').out).toBe('password=[redacted]&user=jane')
    expect(scrub('theme=dark; session_id=abc123def; lang=en').out).toBe(
      'theme=dark; session_id=[redacted]; lang=en',
    )
    expect(scrub('login failed with token=abc123def').out).toBe('login failed with token=[redacted]')
    // Bare `key` and `sid`, as the SDK's URL scrubber has them; not inside other words.
    expect(scrub('https://maps.example/js?key=AIzaSy123&monkey=1&keyboard=2&sid=77').out).toBe(
      'https://maps.example/js?key=[redacted]&monkey=1&keyboard=2&sid=[redacted]',
    )
  })

  it('should replace values of secret-named keys in JSON kept as text', () => {
    const { out, counts } = scrub('{"user":"jane","password":"hunter22","api_key":"k-1","pin": 1234}')
    expect(out).toBe('{"user":"jane","password":"[redacted]","api_key":"[redacted]","pin": "[redacted]"}')
    expect(counts).toEqual({ json_secret: 3 })
  })

  it('should replace JWTs, PEM private keys and dashed US social security numbers', () => {
    expect(scrub('jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig-nature_1 sent').out).toBe('jwt [jwt] sent')
    expect(scrub('key -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- end').out).toBe(
      'key [private key] end',
    )
    expect(scrub('SSN 123-45-6789, not 000-12-3456 or 2024-11-22').out).toBe(
      'SSN [ssn], not 000-12-3456 or 2024-11-22',
    )
  })

  it('should keep ordinary prose, including the word password', () => {
    expect(scrub('A password reset link was sent.')).toEqual({
      out: 'A password reset link was sent.',
      counts: {},
    })
  })
})

describe('scrubDeep', () => {
  it('should redact values under secret-named keys at any depth and keep structure', () => {
    const input = {
      headers: { Authorization: 'x', 'X-API-Key': 'k', Accept: 'json', 'Set-Cookie': 's=1' },
      body: { user: { password: 'p', api_key: 'k', name: 'ok', otp: 123456, remember: true } },
      list: ['4111 1111 1111 1111', { client_secret: 's' }],
    }
    const counts: ScrubCounts = {}
    expect(scrubDeep(input, counts)).toEqual({
      headers: {
        Authorization: '[redacted]',
        'X-API-Key': '[redacted]',
        Accept: 'json',
        'Set-Cookie': '[redacted]',
      },
      body: {
        user: {
          password: '[redacted]',
          api_key: '[redacted]',
          name: 'ok',
          otp: '[redacted]',
          remember: true,
        },
      },
      list: ['[card]', { client_secret: '[redacted]' }],
    })
    expect(counts).toEqual({ secret_key: 7, card: 1 })
  })

  it('should redact the value of password fields in rrweb snapshots, also after a show-password toggle', () => {
    const counts: ScrubCounts = {}
    const node = {
      type: 2,
      tagName: 'input',
      childNodes: [],
      attributes: { type: 'PASSWORD', value: 'hunter22' },
    }
    const toggled = { type: 'text', 'data-rr-is-password': 'true', value: 'hunter22' }
    const plain = { type: 'text', value: 'keep me' }
    expect(scrubDeep([node, toggled, plain], counts)).toEqual([
      { ...node, attributes: { type: 'PASSWORD', value: '[redacted]' } },
      // (the marker attribute's own value goes too: its name says password)
      { ...toggled, 'data-rr-is-password': '[redacted]', value: '[redacted]' },
      plain,
    ])
    expect(counts).toEqual({ password_field: 2, secret_key: 1 })
  })

  it('should walk a 10,000-level nesting without overflowing the stack', () => {
    let deep: Record<string, unknown> = { text: 'card 4111111111111111' }
    for (let i = 0; i < 10_000; i++) deep = { c: [deep] }
    const counts: ScrubCounts = {}
    scrubDeep(deep, counts)
    expect(counts.card).toBe(1)
  })

  it('should replace NUL characters in values and keys, which PostgreSQL cannot store', () => {
    const counts: ScrubCounts = {}
    expect(scrubDeep({ 'a\0b': 'x\0', list: ['\0'] }, counts)).toEqual({
      'a\uFFFDb': 'x\uFFFD',
      list: ['\uFFFD'],
    })
  })

  it('should replace lone surrogates (jsonb refuses them) and keep whole pairs', () => {
    const counts: ScrubCounts = {}
    expect(scrubDeep({ 'k\ud800': 'cut \ud83d', ok: 'emoji 😀', list: ['\udfff'] }, counts)).toEqual({
      'k\uFFFD': 'cut \uFFFD',
      ok: 'emoji 😀',
      list: ['\uFFFD'],
    })
  })

  it('should not treat ordinary rrweb and event keys as secrets', () => {
    for (const key of [
      'type',
      'tagName',
      'attributes',
      'textContent',
      'author',
      'key',
      'keyboard',
      'selector',
      'id',
    ]) {
      expect({ key, secret: isSecretKey(key) }).toEqual({ key, secret: false })
    }
  })
})
