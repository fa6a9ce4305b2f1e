import { describe, expect, it } from 'vitest'
import { scrubUrl } from './urlUtils.js'

describe('scrubUrl', () => {
  it('should redact secret-looking query and fragment values wherever the secret word sits in the name', () => {
    expect(scrubUrl('https://a.example/p?password=hunter2&page=2')).toBe(
      'https://a.example/p?password=[redacted]&page=2',
    )
    expect(scrubUrl('https://a.example/?passwd=x&session_id=y&api_key_v2=z&authorization=w')).toBe(
      'https://a.example/?passwd=[redacted]&session_id=[redacted]&api_key_v2=[redacted]&authorization=[redacted]',
    )
    expect(scrubUrl('https://a.example/cb?code=abc&state=ok#access_token=t')).toBe(
      'https://a.example/cb?code=[redacted]&state=ok#access_token=[redacted]',
    )
    expect(scrubUrl('https://a.example/?email=a%40b.c&q=shoes')).toBe(
      'https://a.example/?email=[redacted]&q=shoes',
    )
  })

  it('should redact credentials in the authority and keep ordinary URLs as they are', () => {
    expect(scrubUrl('https://user:pw@a.example/x')).toBe('https://[redacted]@a.example/x')
    expect(scrubUrl('https://a.example/products/42?page=2&sort=price')).toBe(
      'https://a.example/products/42?page=2&sort=price',
    )
    expect(scrubUrl('https://a.example/')).toBe('https://a.example/')
  })

  it('should cut a URL at 4,096 characters, as the wire format takes it', () => {
    const long = `https://a.example/search?q=${'x'.repeat(5000)}&token=abc`
    expect(scrubUrl(long)).toHaveLength(4096)
    expect(scrubUrl(long)).toBe(long.slice(0, 4096))
    expect(scrubUrl(`https://a.example/${'p'.repeat(5000)}`)).toHaveLength(4096)
  })
})
