// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { recordOptions, scrubRecordJson } from './recorder.js'

describe('recordOptions', () => {
  it('should mask every input type, block hidden inputs and marked elements, and mask contenteditable', () => {
    document.body.innerHTML = `<input type="hidden" value="x"><div data-sightline-block></div><img><p contenteditable>t</p>`
    const o = recordOptions('default')
    expect(o.maskAllInputs).toBe(true)
    expect(Object.keys(o.maskInputOptions)).toEqual(
      expect.arrayContaining(['password', 'email', 'text', 'textarea', 'select', 'tel', 'number']),
    )
    expect(Object.values(o.maskInputOptions).every(Boolean)).toBe(true)
    expect(o.maskInputFn('hunter2')).toBe('*******')
    expect(document.querySelector('input')!.matches(o.blockSelector)).toBe(true)
    expect(document.querySelector('div')!.matches(o.blockSelector)).toBe(true)
    expect(document.querySelector('img')!.matches(o.blockSelector)).toBe(false)
    expect(document.querySelector('p')!.matches(o.maskTextSelector)).toBe(true)
  })

  it('should mask all text and block media under the strict level', () => {
    document.body.innerHTML = '<img><video></video><p>t</p>'
    const o = recordOptions('strict')
    expect(document.querySelector('img')!.matches(o.blockSelector)).toBe(true)
    expect(document.querySelector('video')!.matches(o.blockSelector)).toBe(true)
    expect(document.querySelector('p')!.matches(o.maskTextSelector)).toBe(true)
    expect(o.maskTextFn('Secret words')).toBe('****** *****')
  })
})

describe('scrubRecordJson', () => {
  it('should redact secret URL values in the page address and in link attributes of records', () => {
    const meta = JSON.stringify({
      type: 4,
      data: { href: 'https://a.example/?token=T1&page=2#access_token=T2' },
    })
    expect(scrubRecordJson(meta)).toBe(
      JSON.stringify({
        type: 4,
        data: { href: 'https://a.example/?token=[redacted]&page=2#access_token=[redacted]' },
      }),
    )
    const link = JSON.stringify({
      tagName: 'a',
      attributes: { href: '/reset?reset_token=T3&lang=en', title: 'a=b' },
    })
    expect(scrubRecordJson(link)).toBe(
      JSON.stringify({
        tagName: 'a',
        attributes: { href: '/reset?reset_token=[redacted]&lang=en', title: 'a=b' },
      }),
    )
    const plain = JSON.stringify({ attributes: { href: '/products?page=2&sort=price', style: 'color:red;' } })
    expect(scrubRecordJson(plain)).toBe(plain)
  })
})
