// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { makeCtx } from '../../test/helpers.js'
import type { SightlineEvent, Stoppable } from '../types.js'
import { trackKeys } from './trackKeys.js'

const press = (target: Element, key: string, init: KeyboardEventInit = {}) =>
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, ...init }))

describe('trackKeys', () => {
  let tracker: Stoppable
  let events: SightlineEvent[]
  beforeEach(() => {
    vi.useFakeTimers()
    document.body.innerHTML =
      '<input id="q" type="text"><input id="pw" type="password"><textarea id="ta"></textarea><div id="ed" contenteditable="true"></div><div data-sightline-ignore><input id="secret"></div><button id="b">b</button>'
    const made = makeCtx()
    events = made.events
    tracker = trackKeys(made.ctx)
  })
  afterEach(() => {
    tracker.stop()
    vi.useRealTimers()
  })
  const el = (id: string) => document.getElementById(id)!

  it('should classify keys outside fields', () => {
    const keys = [
      'Enter',
      'Tab',
      'Escape',
      'Backspace',
      'Delete',
      'ArrowUp',
      'ArrowDown',
      'ArrowLeft',
      'ArrowRight',
    ]
    for (const key of [
      ...keys,
      'Home',
      'End',
      'PageUp',
      'PageDown',
      ' ',
      'F1',
      'F12',
      'Shift',
      'Control',
      'x',
      'Dead',
      'F13',
    ]) {
      press(el('b'), key)
    }
    expect(events.map((e) => e.type === 'key' && e.key)).toEqual([
      ...keys,
      'Home',
      'End',
      'PageUp',
      'PageDown',
      'Space',
      'Function',
      'Function',
      'Modifier',
      'Modifier',
      'Character',
      'Other',
      'Other',
    ])
    expect(events[0]).toMatchObject({ type: 'key', selector: 'button#b', inField: false })
  })

  it('should name shortcuts outside fields, and treat Shift alone as no shortcut', () => {
    press(el('b'), 's', { ctrlKey: true })
    press(el('b'), 'k', { metaKey: true, shiftKey: true })
    press(el('b'), 'ArrowLeft', { altKey: true })
    press(el('b'), 'S', { shiftKey: true })
    expect(events).toMatchObject([
      { key: 'Shortcut', shortcut: 'Ctrl+S' },
      { key: 'Shortcut', shortcut: 'Meta+Shift+K' },
      { key: 'Shortcut', shortcut: 'Alt+ArrowLeft' },
      { key: 'Character' },
    ])
    expect(events[3]).not.toHaveProperty('shortcut')
  })

  it('should name only editing commands in fields, and never the other characters', () => {
    press(el('q'), 'c', { ctrlKey: true })
    press(el('q'), 'v', { metaKey: true })
    press(el('q'), 'b', { ctrlKey: true })
    press(el('ed'), 'q', { altKey: true })
    expect(events).toMatchObject([
      { key: 'Shortcut', shortcut: 'Ctrl+C', inField: true, selector: 'input#q' },
      { key: 'Shortcut', shortcut: 'Meta+V', inField: true },
      { key: 'Shortcut', inField: true },
      { key: 'Shortcut', inField: true },
    ])
    expect(events[2]).not.toHaveProperty('shortcut')
    expect(events[3]).not.toHaveProperty('shortcut')
  })

  it('should never record characters typed into fields', () => {
    const canary = 'Zq7#canary!'
    for (const id of ['q', 'pw', 'ta', 'ed', 'secret']) {
      for (const key of canary) {
        press(el(id), key)
        press(el(id), key, { altKey: true })
        vi.advanceTimersByTime(400)
      }
    }
    const json = JSON.stringify(events)
    expect(events.length).toBeGreaterThan(0)
    for (const ch of ['Zq7', 'Z', 'q', '7', '#', 'canary', '!']) expect(json).not.toContain(`"${ch}`)
    expect(json).not.toContain('canary')
  })

  it('should skip elements inside [data-sightline-ignore]', () => {
    press(el('secret'), 'Enter')
    press(el('secret'), 'a', { ctrlKey: true })
    expect(events).toHaveLength(0)
  })

  it('should coalesce a run of characters in the same field to one event', () => {
    for (let i = 0; i < 10; i++) {
      press(el('q'), 'a')
      vi.advanceTimersByTime(150) // 10 keys over 1.5 s
    }
    expect(events.filter((e) => e.type === 'key' && e.key === 'Character')).toHaveLength(1)
    press(el('q'), 'Backspace') // ends the run
    press(el('q'), 'a')
    press(el('ta'), 'a') // another field starts a new run
    expect(events.map((e) => e.type === 'key' && e.key)).toEqual([
      'Character',
      'Backspace',
      'Character',
      'Character',
    ])
  })

  it('should count Space typed into a field as part of the run, and as Space outside fields', () => {
    for (const key of 'two words') press(el('q'), key)
    press(el('b'), ' ')
    press(el('b'), ' ')
    press(el('ta'), ' ', { ctrlKey: true })
    expect(events.map((e) => e.type === 'key' && e.key)).toEqual(['Character', 'Space', 'Space', 'Shortcut'])
    // In a field Ctrl+Space is like any other character shortcut there: not named.
    expect(events[3]).not.toHaveProperty('shortcut')
  })

  it('should drop auto-repeated keydowns', () => {
    press(el('b'), 'ArrowDown')
    press(el('b'), 'ArrowDown', { repeat: true })
    press(el('b'), 'ArrowDown', { repeat: true })
    expect(events).toHaveLength(1)
  })
})
