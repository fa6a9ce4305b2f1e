// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { recordOptions } from './recorder.js'

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
