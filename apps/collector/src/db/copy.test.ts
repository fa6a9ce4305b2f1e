import { describe, expect, it } from 'vitest'
import { copyValue } from './copy.js'

describe('copyValue', () => {
  it('should encode values for the COPY text format', () => {
    expect(copyValue(null)).toBe('\\N')
    expect(copyValue(undefined)).toBe('\\N')
    expect(copyValue(42.5)).toBe('42.5')
    expect(copyValue(false)).toBe('false')
    expect(copyValue(new Date(0))).toBe('1970-01-01T00:00:00.000Z')
    expect(copyValue(Buffer.from([1, 255]))).toBe('\\\\x01ff')
    expect(copyValue('plain')).toBe('plain')
    expect(copyValue('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re')
    expect(copyValue({ k: 'tab\there' })).toBe('{"k":"tab\\\\there"}')
  })
})
