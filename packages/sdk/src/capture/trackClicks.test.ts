// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { type InitOptions, resolveOptions } from '../boot/options.js'
import { DEAD_RULE_VERSION, ERROR_RULE_VERSION, RAGE_RULE_VERSION } from '../constants.js'
import { createActivity } from '../tools/activity.js'
import type { Activity, CaptureContext, SightlineEvent } from '../types.js'
import { trackClicks } from './trackClicks.js'

type Ev = SightlineEvent & Record<string, unknown>
let events: Ev[]
let activity: Activity
let tracker: ReturnType<typeof trackClicks> | undefined
// happy-dom follows links on dispatched clicks; the tests only need the events.
const noNavigation = (e: Event) => e.preventDefault()

function start(opts: Partial<InitOptions> = {}) {
  const ctx: CaptureContext = {
    emit: (e) => events.push(e as Ev),
    options: resolveOptions({ siteKey: `slp_${'a'.repeat(32)}`, endpoint: 'https://c.example', ...opts }),
    activity,
    now: () => Date.now(),
    pageUrl: () => 'https://shop.example/cart',
  }
  tracker = trackClicks(ctx, { trustedOnly: false })
  return tracker
}

/** A press then its click, as the browser sends them; `during` runs between the two (a drag selecting text). */
function click(el: Element, x = 10, y = 10, init: MouseEventInit = {}, during?: () => void) {
  const at = { bubbles: true, cancelable: true, clientX: x, clientY: y, detail: 1, ...init }
  el.dispatchEvent(new MouseEvent('mousedown', at))
  during?.()
  el.dispatchEvent(new MouseEvent('click', at))
}
const selectText = () => {
  vi.spyOn(document, 'getSelection').mockReturnValue({ isCollapsed: false } as Selection)
  document.dispatchEvent(new Event('selectionchange'))
}

const $ = (sel: string) => document.querySelector(sel)!
const of = (type: string) => events.filter((e) => e.type === type)

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(1_700_000_000_000)
  events = []
  activity = createActivity(() => Date.now())
  document.body.innerHTML = ''
  document.addEventListener('click', noNavigation)
})

afterEach(() => {
  tracker?.stop()
  tracker = undefined
  document.removeEventListener('click', noNavigation)
  vi.restoreAllMocks()
  vi.useRealTimers()
})

describe('trackClicks', () => {
  it('should emit a click with locator hints once its window ends', () => {
    document.body.innerHTML = `<button data-testid="buy" aria-label="Buy now"><span>Buy</span></button><a href="/next?token=s3cret&q=1" title="Next">Go</a>`
    start()
    click($('span'), 12.4, 20.6)
    expect(events).toEqual([])
    activity.notify('mutation')
    vi.advanceTimersByTime(1000)
    expect(events).toEqual([
      {
        type: 'click',
        t: 1_700_000_000_000,
        url: 'https://shop.example/cart',
        x: 12,
        y: 21,
        button: 0,
        selector: 'button[data-testid="buy"]',
        tag: 'button',
        testId: 'buy',
        role: 'button',
        text: 'Buy',
        name: 'Buy now',
      },
    ])
    click($('a'))
    tracker!.flush()
    expect(events[1]).toMatchObject({ tag: 'a', role: 'link', name: 'Next', text: 'Go' })
    expect(events[1]!.href).toMatch(/\/next\?token=\[redacted\]&q=1$/)
  })

  it('should take the name from aria-labelledby and labels, and never from an input value', () => {
    document.body.innerHTML = `<span id="l">Quantity</span><input id="q" aria-labelledby="l"><label for="e">Email</label><input id="e" type="email">
      <label>Phone <input id="p"></label><label for="d">Div</label><div id="d" role="button"></div>`
    start()
    const email = $('#e') as HTMLInputElement
    email.value = 'canary@secret.example'
    for (const id of ['#q', '#e', '#p', '#d']) click($(id))
    tracker!.flush()
    // A label names the control it labels only: not a div (not labelable).
    expect(of('click').map((e) => [e.name, e.role])).toEqual([
      ['Quantity', 'textbox'],
      ['Email', 'textbox'],
      ['Phone', 'textbox'],
      [undefined, 'button'],
    ])
    expect(JSON.stringify(events)).not.toContain('canary')
  })

  it('should never emit the value of an input, whatever its type', () => {
    document.body.innerHTML = `<input id="a" value="canary1"><input id="b" type="submit" value="canary2"><textarea>canary3</textarea>`
    start()
    ;($('#a') as HTMLInputElement).value = 'canary4'
    for (const el of document.querySelectorAll('input,textarea')) click(el)
    vi.advanceTimersByTime(1000)
    expect(of('click')).toHaveLength(3)
    expect(JSON.stringify(events)).not.toContain('canary')
  })

  it('should mask text and name under privacy strict and data-sightline-mask', () => {
    document.body.innerHTML = `<button aria-label="Pay Bob">Pay</button><div data-sightline-mask><button title="Secret">Hi there</button></div>`
    start({ privacy: 'strict' })
    click($('button'))
    tracker!.stop()
    start()
    click($('[title]'))
    tracker!.flush()
    expect(of('click').map((e) => [e.text, e.name])).toEqual([
      ['***', '*** ***'],
      ['** *****', '******'],
    ])
  })

  it('should hide text inside a target that has blocked or masked parts', () => {
    document.body.innerHTML = `<button id="a">Card <span data-sightline-block>4242</span></button><button id="b">Pay <b data-sightline-mask>$300</b></button>`
    start()
    click($('#a'))
    click($('#b'))
    tracker!.flush()
    expect(of('click').map((e) => [e.text, e.name])).toEqual([
      [undefined, undefined],
      ['*** ****', '*** ****'],
    ])
  })

  it('should emit blocked and ignored clicks without text or name', () => {
    document.body.innerHTML = `<div data-sightline-block><a href="/x" id="b">Private</a></div><button data-sightline-ignore aria-label="Hidden">Hidden</button>`
    start()
    click($('#b'))
    click($('button'))
    vi.advanceTimersByTime(1000)
    const clicks = of('click')
    expect(clicks.map((e) => e.selector)).toEqual(['a#b', 'body > button'])
    expect(JSON.stringify(events)).not.toMatch(/Private|Hidden|href/)
    expect(clicks[1]!.dead).toBeUndefined()
  })

  it('should ignore untrusted clicks by default', () => {
    document.body.innerHTML = '<button>x</button>'
    const ctx: CaptureContext = {
      emit: (e) => events.push(e as Ev),
      options: resolveOptions({ siteKey: `slp_${'a'.repeat(32)}`, endpoint: 'https://c.example' }),
      activity,
      now: () => Date.now(),
      pageUrl: () => 'https://shop.example/',
    }
    tracker = trackClicks(ctx)
    click($('button'))
    vi.advanceTimersByTime(2000)
    expect(events).toEqual([])
  })
})

describe('rage clicks', () => {
  beforeEach(() => {
    document.body.innerHTML = '<button id="go">Go</button><button id="other">Other</button>'
  })

  const burst = (n: number, gap = 100, dx = 0) => {
    for (let i = 0; i < n; i++) {
      click($('#go'), 10 + i * dx, 10)
      vi.advanceTimersByTime(gap)
    }
  }

  it('should emit one incident for 3 quick clicks, when the burst ends', () => {
    start()
    burst(3)
    expect(of('rage')).toEqual([])
    vi.advanceTimersByTime(1000)
    expect(of('rage')).toEqual([
      {
        type: 'rage',
        t: 1_700_000_000_000,
        url: 'https://shop.example/cart',
        count: 3,
        x: 10,
        y: 10,
        selector: 'button#go',
        firstAt: 1_700_000_000_000,
        lastAt: 1_700_000_000_200,
        rule: RAGE_RULE_VERSION,
      },
    ])
  })

  it('should count further clicks into the same incident', () => {
    start()
    burst(6, 300)
    vi.advanceTimersByTime(1000)
    expect(of('rage').map((e) => e.count)).toEqual([6])
  })

  it('should not emit for 2 clicks, or for clicks on another target', () => {
    start()
    burst(2)
    click($('#other'))
    vi.advanceTimersByTime(2000)
    expect(of('rage')).toEqual([])
  })

  it('should not emit when clicks are further apart than the radius', () => {
    start()
    burst(3, 100, 20)
    vi.advanceTimersByTime(2000)
    expect(of('rage')).toEqual([])
  })

  it('should not emit when the clicks span more than the window', () => {
    start()
    burst(3, 600)
    vi.advanceTimersByTime(2000)
    expect(of('rage')).toEqual([])
  })

  it('should cancel the burst on a scroll or a text selection', () => {
    start()
    burst(2)
    activity.notify('scroll')
    burst(2)
    vi.advanceTimersByTime(2000)
    expect(of('rage')).toEqual([])
    // A triple click selecting a paragraph: the selection changes on the third press.
    burst(2)
    click($('#go'), 10, 10, {}, selectText)
    vi.advanceTimersByTime(2000)
    expect(of('rage')).toEqual([])
  })

  it('should follow the configured thresholds', () => {
    start({ rageClick: { count: 4 } })
    burst(3)
    vi.advanceTimersByTime(2000)
    expect(of('rage')).toEqual([])
    burst(4)
    vi.advanceTimersByTime(2000)
    expect(of('rage').map((e) => e.count)).toEqual([4])
  })

  it('should emit a burst in progress on flush', () => {
    start()
    burst(3)
    tracker!.flush()
    expect(of('rage')).toHaveLength(1)
  })
})

describe('dead and error clicks', () => {
  const deadReason = (el: Element) => {
    start()
    click(el)
    vi.advanceTimersByTime(1000)
    const [c, s, ...rest] = events
    expect(rest).toEqual([])
    expect(c).toMatchObject({ type: 'click', dead: true })
    expect(s).toMatchObject({
      type: 'signal',
      kind: 'dead_click',
      rule: DEAD_RULE_VERSION,
      selector: c!.selector,
      t: c!.t,
      evidence: { windowMs: 1000, seen: [], clickAt: c!.t },
    })
    return s!.reason
  }

  it('should call a plain button with no reaction dead: no_reaction', () => {
    document.body.innerHTML = '<button>Save</button>'
    expect(deadReason($('button'))).toBe('no_reaction')
  })

  it('should give the reason disabled for aria-disabled and for a disabled control under the pointer', () => {
    document.body.innerHTML = '<div role="button" aria-disabled="true">Next</div>'
    expect(deadReason($('div'))).toBe('disabled')
    events = []
    tracker!.stop()
    document.body.innerHTML = '<div id="wrap"><button disabled>Send</button></div>'
    vi.spyOn(document, 'elementFromPoint').mockReturnValue($('button'))
    expect(deadReason($('#wrap'))).toBe('disabled')
    expect(events[0]!.tag).toBe('button')
  })

  it('should give the reason pointer_events_none', () => {
    document.body.innerHTML = '<div style="pointer-events: none"><button>Go</button></div>'
    expect(deadReason($('button'))).toBe('pointer_events_none')
  })

  it('should give the reason covered when another element is under the pointer', () => {
    document.body.innerHTML = '<button>Go</button><div class="overlay"></div>'
    vi.spyOn(document, 'elementFromPoint').mockReturnValue($('.overlay'))
    expect(deadReason($('button'))).toBe('covered')
  })

  it('should give the reason off_screen', () => {
    document.body.innerHTML = '<button>Go</button>'
    vi.spyOn($('button'), 'getBoundingClientRect').mockReturnValue(new DOMRect(0, -200, 100, 40))
    expect(deadReason($('button'))).toBe('off_screen')
  })

  it.each(['mutation', 'network', 'navigation', 'scroll'] as const)(
    'should not be dead after %s activity',
    (kind) => {
      document.body.innerHTML = '<button>Save</button>'
      start()
      click($('button'))
      vi.advanceTimersByTime(900)
      activity.notify(kind)
      vi.advanceTimersByTime(100)
      expect(events).toHaveLength(1)
      expect(events[0]!.dead).toBeUndefined()
    },
  )

  it('should still be dead when activity comes after the window', () => {
    document.body.innerHTML = '<button>Save</button>'
    start({ errorClickWindowMs: 2000 })
    click($('button'))
    vi.advanceTimersByTime(1500)
    activity.notify('mutation')
    vi.advanceTimersByTime(500)
    expect(events[0]).toMatchObject({ dead: true })
    expect(events[1]).toMatchObject({ kind: 'dead_click', evidence: { seen: [] } })
  })

  it('should never call dead inputs, new-tab or download links, modified or selecting clicks, or plain text', () => {
    document.body.innerHTML = `<input id="i"><label>Opt <span>x</span></label><div contenteditable="true">Edit</div>
      <a id="n" href="/a" target="_blank">New</a><a id="d" href="/f.pdf" download>PDF</a><p>Just text</p><button>B</button>`
    start()
    for (const s of ['#i', 'label span', '[contenteditable]', '#n', '#d', 'p']) click($(s))
    click($('button'), 10, 10, { metaKey: true })
    click($('button'), 10, 10, {}, selectText)
    vi.advanceTimersByTime(1000)
    expect(of('click')).toHaveLength(8)
    expect(of('signal')).toEqual([])
  })

  it('should read the selection at each click, not on every selection change (each keystroke makes one)', () => {
    document.body.innerHTML = '<button>Save</button>'
    start()
    const selection = vi.spyOn(document, 'getSelection')
    for (let i = 0; i < 5; i++) document.dispatchEvent(new Event('selectionchange'))
    expect(selection).not.toHaveBeenCalled()
    click($('button'))
    expect(selection).toHaveBeenCalledTimes(1)
  })

  it('should not call a click dead when the page selects text after it', () => {
    document.body.innerHTML = '<button>Select all</button>'
    start()
    click($('button'))
    vi.advanceTimersByTime(500)
    vi.spyOn(document, 'getSelection').mockReturnValue({ isCollapsed: false } as Selection)
    vi.advanceTimersByTime(500)
    expect(of('click')).toHaveLength(1)
    expect(of('signal')).toEqual([])
  })

  it('should read the cursor only for a click that would be dead', () => {
    document.body.innerHTML = '<div id="card" style="cursor: pointer">Card</div><p>Text</p>'
    start()
    const style = vi.spyOn(window, 'getComputedStyle')
    click($('#card'))
    click($('p'))
    activity.notify('mutation')
    vi.advanceTimersByTime(1000)
    expect(style).not.toHaveBeenCalled()
    click($('#card'))
    click($('p'))
    vi.advanceTimersByTime(1000)
    expect(style).toHaveBeenCalled()
    // The pointer cursor marks a reaction as expected: dead; plain text is not.
    expect(of('signal').map((s) => [s.kind, s.selector])).toEqual([['dead_click', 'div#card']])
  })

  it('should flag an error click with a signal when an error follows in the window', () => {
    document.body.innerHTML = '<input>'
    start()
    click($('input'))
    vi.advanceTimersByTime(300)
    activity.notify('error')
    vi.advanceTimersByTime(700)
    expect(events).toHaveLength(2)
    expect(events[0]).toMatchObject({ type: 'click', error: true })
    expect(events[0]!.dead).toBeUndefined()
    expect(events[1]).toMatchObject({
      type: 'signal',
      kind: 'error_click',
      rule: ERROR_RULE_VERSION,
      evidence: { windowMs: 1000, seen: ['error'], clickAt: 1_700_000_000_000 },
    })
  })

  it('should blame an error on the latest click before it only', () => {
    document.body.innerHTML = '<button id="a">A</button><button id="b">B</button>'
    start()
    click($('#a'))
    vi.advanceTimersByTime(100)
    click($('#b'))
    vi.advanceTimersByTime(100)
    activity.notify('error')
    vi.advanceTimersByTime(1000)
    const clicks = of('click') as { selector?: string; error?: boolean }[]
    expect(clicks.map((c) => [c.selector, c.error ?? false])).toEqual([
      ['button#a', false],
      ['button#b', true],
    ])
  })

  it('should flag a button both dead and error when only an error follows', () => {
    document.body.innerHTML = '<button>Save</button>'
    start()
    click($('button'))
    activity.notify('error')
    vi.advanceTimersByTime(1000)
    expect(events.map((e) => e.kind ?? e.type)).toEqual(['click', 'dead_click', 'error_click'])
  })

  it('should emit pending clicks on flush without claiming dead before the window ends', () => {
    document.body.innerHTML = '<button>Save</button>'
    start()
    click($('button'))
    vi.advanceTimersByTime(500)
    tracker!.flush()
    expect(events).toHaveLength(1)
    expect(events[0]!.dead).toBeUndefined()
    vi.advanceTimersByTime(2000)
    expect(events).toHaveLength(1)
  })

  it('should emit pending clicks and stop listening on stop', () => {
    document.body.innerHTML = '<button>Save</button>'
    start()
    click($('button'))
    tracker!.stop()
    click($('button'))
    vi.advanceTimersByTime(2000)
    expect(of('click')).toHaveLength(1)
  })
})
