// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { visibleText } from './privacy.js'

describe('visibleText', () => {
  it('should skip text inside blocked parts and mask text inside masked parts', () => {
    document.body.innerHTML = `<div id="l">Card <span data-sightline-block>4242</span> for <b data-sightline-mask>Bob  Smith</b></div>`
    expect(visibleText(document.getElementById('l')!, 'default')).toBe('Card for *** *****')
    expect(visibleText(document.getElementById('l')!, 'strict')).toBe('**** *** *** *****')
  })

  it('should give nothing for form fields and blocked elements, and cut at max', () => {
    document.body.innerHTML = `<textarea>secret</textarea><div data-sightline-block><p>x</p></div><label>Note <textarea>secret</textarea></label><p>abcdef</p>`
    expect(visibleText(document.querySelector('textarea')!, 'default')).toBeUndefined()
    expect(visibleText(document.querySelector('div p')!, 'default')).toBeUndefined()
    expect(visibleText(document.querySelector('label')!, 'default')).toBe('Note')
    expect(visibleText(document.querySelector('body > p')!, 'default', 3)).toBe('abc')
  })
})
