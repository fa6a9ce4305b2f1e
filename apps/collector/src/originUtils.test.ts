import { describe, expect, it } from 'vitest'
import { isOriginAllowed, normalizeOriginPattern } from './originUtils.js'

describe('normalizeOriginPattern', () => {
  it('should normalise exact origins and keep wildcards', () => {
    expect(normalizeOriginPattern('HTTPS://Shop.Example:443/')).toBe('https://shop.example')
    expect(normalizeOriginPattern('http://localhost:3000')).toBe('http://localhost:3000')
    expect(normalizeOriginPattern('https://*.Example.com')).toBe('https://*.example.com')
    expect(normalizeOriginPattern('*')).toBe('*')
  })

  it('should refuse paths, queries, other schemes and garbage with the reason', () => {
    expect(() => normalizeOriginPattern('https://a.example/path')).toThrow(/origin only/)
    expect(() => normalizeOriginPattern('ftp://a.example')).toThrow(/http or https/)
    expect(() => normalizeOriginPattern('shop')).toThrow(/not a URL origin/)
  })
})

describe('isOriginAllowed', () => {
  it('should match exact, wildcard subdomain and any-origin patterns only', () => {
    expect(isOriginAllowed('https://shop.example', ['https://shop.example'])).toBe(true)
    expect(isOriginAllowed('https://a.example.com', ['https://*.example.com'])).toBe(true)
    expect(isOriginAllowed('https://example.com', ['https://*.example.com'])).toBe(false)
    expect(isOriginAllowed('https://evilexample.com', ['https://*.example.com'])).toBe(false)
    expect(isOriginAllowed('http://a.example.com', ['https://*.example.com'])).toBe(false)
    expect(isOriginAllowed('https://other.example', ['https://shop.example'])).toBe(false)
    expect(isOriginAllowed('https://anything.test', ['*'])).toBe(true)
    expect(isOriginAllowed('https://shop.example', [])).toBe(false)
  })
})
