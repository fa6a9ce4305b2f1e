// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeCtx } from '../../test/helpers.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { SightlineEvent } from '../types.js'
import { trackForms } from './trackForms.js'

const CANARY = 'canary-4f8e-hunter2'
const fire = (el: Element, type: string) => el.dispatchEvent(new Event(type, { bubbles: true }))
/** Focus, type `text` one character at a time (100 ms apart), blur. */
function typeInto(el: HTMLInputElement | HTMLTextAreaElement, text: string) {
  fire(el, 'focusin')
  for (const ch of text) {
    el.value += ch
    fire(el, 'input')
    vi.advanceTimersByTime(100)
  }
  fire(el, 'change')
  fire(el, 'focusout')
}
const actions = (events: SightlineEvent[]) => events.map((e) => (e.type === 'form' ? e.action : e.type))

describe('trackForms', () => {
  let tracker: ReturnType<typeof trackForms>
  let events: SightlineEvent[]
  beforeEach(() => {
    vi.useFakeTimers()
    document.body.innerHTML = `
      <form id="signup">
        <input name="email" type="email" required>
        <input id="pw" type="password">
        <textarea name="bio"></textarea>
        <button type="submit">Go</button>
      </form>
      <form id="other"><input name="x"></form>
      <div data-sightline-ignore><form id="hidden"><input name="h"></form></div>`
    const made = makeCtx()
    events = made.events
    tracker = trackForms(made.ctx)
  })
  afterEach(() => {
    tracker.stop()
    vi.useRealTimers()
  })
  const $ = <T extends Element>(sel: string) => document.querySelector(sel) as T

  it('should report focus, coalesced input with the length, change and blur with its duration', () => {
    const email = $<HTMLInputElement>('[name=email]')
    typeInto(email, 'abcdefghijklmno') // 15 characters over 1.5 s
    expect(actions(events)).toEqual(['focus', 'input', 'input', 'input', 'change', 'blur'])
    expect(events[0]).toMatchObject({ type: 'form', name: 'email', fieldType: 'email', form: 'form#signup' })
    // Leading edge at 0 ms, trailing at 1 s, then the pending one sent early by the change.
    expect(events.slice(1, 4)).toMatchObject([{ length: 1 }, { length: 10 }, { length: 15 }])
    expect(events[5]).toMatchObject({ action: 'blur', durationMs: 1500 })
  })

  it('should not listen to input while a send is pending, and listen again once it is sent or another event came', () => {
    const email = $<HTMLInputElement>('[name=email]')
    const bio = $<HTMLTextAreaElement>('[name=bio]')
    fire(email, 'focusin')
    const listened = vi.spyOn(document, 'addEventListener')
    const unlistened = vi.spyOn(document, 'removeEventListener')
    const inputs = () => [listened, unlistened].map((s) => s.mock.calls.filter(([t]) => t === 'input').length)
    email.value = 'a'
    fire(email, 'input') // leading edge: sent after 0 ms
    vi.advanceTimersByTime(0)
    email.value = 'ab'
    fire(email, 'input') // trailing one pending: input is off until it is sent
    expect(inputs()).toEqual([1, 2])
    for (const v of ['abc', 'abcd']) {
      email.value = v
      fire(email, 'input') // not heard, and not needed: the length is read when the send is due
    }
    vi.advanceTimersByTime(1_000)
    expect(inputs()).toEqual([2, 2])
    email.value = 'abcde'
    fire(email, 'input')
    fire(bio, 'focusin') // another field: the pending one is sent at once and input is heard again
    expect(inputs()).toEqual([3, 3])
    expect(
      events.filter((e) => e.type === 'form' && e.action === 'input').map((e) => 'length' in e && e.length),
    ).toEqual([1, 4, 5])
  })

  it('should report the length of a password, never its value', () => {
    typeInto($('#pw'), 'x'.repeat(12))
    const inputs = events.filter((e) => e.type === 'form' && e.action === 'input')
    expect(inputs.at(-1)).toMatchObject({ name: 'pw', fieldType: 'password', length: 12 })
  })

  it('should report submit and invalid with the browser message', () => {
    const form = $<HTMLFormElement>('#signup')
    form.checkValidity()
    fire(form, 'submit')
    const invalid = events.find((e) => e.type === 'form' && e.action === 'invalid')
    expect(invalid).toMatchObject({ name: 'email', form: 'form#signup' })
    expect(invalid).toHaveProperty('message', expect.any(String))
    expect(events.at(-1)).toMatchObject({ type: 'form', action: 'submit', form: 'form#signup' })
  })

  it('should report an abandon when the page is left with a started form that was not submitted', () => {
    typeInto($('[name=bio]'), 'hi')
    fire($('#other input'), 'focusin') // focused only: not started
    events.length = 0
    tracker.flush(true)
    expect(events).toEqual([
      expect.objectContaining({ action: 'abandon', form: 'form#signup', name: 'bio', fieldType: 'textarea' }),
    ])
    tracker.flush(true)
    expect(events).toHaveLength(1) // reported once
  })

  it('should not report an abandon when the page is only hidden (a tab switch), and keep the form started', () => {
    typeInto($('[name=email]'), 'a')
    tracker.flush(false)
    expect(actions(events)).not.toContain('abandon')
    tracker.flush(true)
    expect(events.at(-1)).toMatchObject({ action: 'abandon', form: 'form#signup' })
  })

  it('should not report an abandon after submit', () => {
    typeInto($('[name=email]'), 'a@b.c')
    fire($('#signup'), 'submit')
    tracker.flush(true)
    expect(actions(events)).not.toContain('abandon')
  })

  it('should skip fields inside [data-sightline-ignore]', () => {
    typeInto($('#hidden input'), 'abc')
    fire($('#hidden'), 'submit')
    tracker.flush()
    expect(events).toHaveLength(0)
  })

  it('should never send a value (canary)', () => {
    for (const sel of ['[name=email]', '#pw', '[name=bio]', '#other input']) {
      typeInto($(sel), CANARY)
      vi.advanceTimersByTime(2_000)
    }
    tracker.flush()
    expect(events.length).toBeGreaterThan(10)
    expect(JSON.stringify(events)).not.toContain('canary')
    expect(JSON.stringify(events)).not.toContain('hunter')
  })

  it('should mask the fields of a GET form in URLs from then on, on this page and the next (values typed land in the query)', async () => {
    document.body.insertAdjacentHTML(
      'beforeend',
      `<form id="search" method="get" action="/results"><input name="q"><select name="in"><option>all</option></select></form>
       <form id="post-with-get-button" method="post"><input name="term"><button id="as-get" formmethod="get">Go</button></form>`,
    )
    expect(scrubUrl('https://shop.example/results?q=red+shoes&in=all&page=2')).toBe(
      'https://shop.example/results?q=red+shoes&in=all&page=2',
    )
    $('#search').dispatchEvent(new Event('submit', { bubbles: true }))
    expect(scrubUrl('https://shop.example/results?q=red+shoes&in=all&page=2')).toBe(
      'https://shop.example/results?q=[redacted]&in=[redacted]&page=2',
    )
    // A submitter's formmethod="get" sends a POST form's fields in the URL too.
    const submit = new Event('submit', { bubbles: true }) as SubmitEvent
    Object.defineProperty(submit, 'submitter', { value: $('#as-get') })
    $('#post-with-get-button').dispatchEvent(submit)
    expect(scrubUrl('https://shop.example/p?term=x')).toBe('https://shop.example/p?term=[redacted]')
    // The next page reads the names back from localStorage (a fresh copy of the module).
    expect(JSON.parse(localStorage.getItem('sl_fields')!)).toEqual(
      expect.arrayContaining(['q', 'in', 'term']),
    )
    vi.resetModules()
    const next = await import('../tools/urlUtils.js')
    expect(next.scrubUrl('https://shop.example/results?q=blue&sort=price')).toBe(
      'https://shop.example/results?q=[redacted]&sort=price',
    )
  })

  it('should leave URLs alone after a POST form is sent (its values travel in the body)', async () => {
    document.body.insertAdjacentHTML('beforeend', '<form id="login" method="post"><input name="nick"></form>')
    $('#login').dispatchEvent(new Event('submit', { bubbles: true }))
    expect(scrubUrl('https://shop.example/?nick=x')).toBe('https://shop.example/?nick=x')
    expect(localStorage.getItem('sl_fields') ?? '').not.toContain('nick')
  })

  it('should treat a form without a method as GET, as the browser does', async () => {
    $('#other').dispatchEvent(new Event('submit', { bubbles: true }))
    expect(scrubUrl('https://shop.example/?x=typed')).toBe('https://shop.example/?x=[redacted]')
  })
})
