import { listen } from '../browser/listen.js'
import { DEAD_RULE_VERSION, ERROR_RULE_VERSION, RAGE_RULE_VERSION } from '../constants.js'
import { monitor } from '../tools/monitor.js'
import { BLOCK_ATTR, IGNORE_ATTR, isMarked, MASK_ATTR, visibleText } from '../tools/privacy.js'
import { selectorOf, testIdOf } from '../tools/selector.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { ActivityKind, CaptureContext, SightlineEvent, Stoppable } from '../types.js'

type Click = Extract<SightlineEvent, { type: 'click' }>
/**
 * A click waiting for the end of its observation window. r: why it would be dead, or nothing when no
 * reaction was expected (asked only if it is: the checks read style and layout), false when it can never be
 * (excluded, or a text selection followed); s: when each activity kind was first seen.
 */
type Pending = { c: Click; r: (() => string | undefined) | false; s: Partial<Record<ActivityKind, number>> }
/** A run of clicks on one target (ts: their times, latest first); a rage incident once it holds `rageClick.count`. */
type Burst = { el: Element; ts: number[]; c: Click }

/** The click is attributed to the closest of these (a span inside a button is a click on the button). */
const INTERACTIVE =
  'a,button,input,label,select,textarea,summary,[onclick],[role=button],[role=link],[role=menuitem],[role=tab],[role=checkbox],[role=switch]'
/** Implicit roles of the common controls (an input is a textbox unless it is a checkbox or radio). */
const ROLES: Record<string, string> = { BUTTON: 'button', SELECT: 'combobox', TEXTAREA: 'textbox' }

const attr = (el: Element, name: string) => el.getAttribute(name)

/** Is pointer-events none on `el` or one of its 3 closest ancestors? */
const noPointer = (el: Element | null, i = 4): unknown =>
  el && i && (getComputedStyle(el).pointerEvents === 'none' || noPointer(el.parentElement, i - 1))

/** Each control's label, looked up once: a search by `for` walks the whole document. */
const labels = new WeakMap<Element, Element | null>()

/**
 * The label of a form control, as `labels[0]` would give it. Not `labels`: that live list walks the whole
 * document again after every DOM change (≈ 0.2 ms a click on a 6,000-element page).
 */
const labelOf = (el: Element) => {
  let label = labels.get(el)
  if (label === undefined) {
    const around = [el.closest('label'), el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)]
    label = around.find((l) => (l as HTMLLabelElement | null)?.control === el) || null
    labels.set(el, label)
  }
  return label
}

/**
 * Clicks, with locator hints for tests (test id, role, accessible name), rage incidents and dead /
 * error flags. A click is emitted when its observation window (the longer of the dead and error
 * windows) ends, or on flush/stop, followed by a `signal` for each flag.
 */
export function trackClicks(
  ctx: CaptureContext,
  { trustedOnly = true }: { trustedOnly?: boolean } = {},
): Stoppable & { flush(): void } {
  const o = ctx.options
  const R = o.rageClick
  const D = o.deadClickWindowMs
  const E = o.errorClickWindowMs
  const W = Math.max(D, E)
  const pend: Pending[] = []
  let b: Burst | undefined

  const send = ({ c, r, s }: Pending, now: number) => {
    const at = c.t
    const seen = (w: number) => (Object.keys(s) as ActivityKind[]).filter((k) => s[k]! - at <= w)
    const signal = (kind: 'dead_click' | 'error_click', w: number, rule: string, reason?: string) =>
      ctx.emit({
        type: 'signal',
        t: at,
        url: c.url,
        kind,
        reason,
        selector: c.selector,
        evidence: { windowMs: w, seen: seen(w), clickAt: at },
        rule,
      })
    // Dead: no reaction but errors within the dead window, which must be over, and a reason (none when no
    // reaction was expected); error: an error within its window.
    const reason = r && now - at >= D && seen(D).every((k) => k === 'error') && r()
    const error = s.error! - at <= E
    if (reason) c.dead = true
    if (error) c.error = true
    ctx.emit(c)
    if (reason) signal('dead_click', D, DEAD_RULE_VERSION, reason)
    if (error) signal('error_click', E, ERROR_RULE_VERSION)
  }

  const endBurst = () => {
    if (b && b.ts.length >= R.count) {
      const { c, ts } = b
      const firstAt = ts[ts.length - 1]!
      ctx.emit({
        type: 'rage',
        t: firstAt,
        url: c.url,
        count: ts.length,
        x: c.x,
        y: c.y,
        selector: c.selector,
        firstAt,
        lastAt: ts[0]!,
        rule: RAGE_RULE_VERSION,
      })
    }
    b = undefined
  }

  /** Emits what is due, or everything when `all`. Each click sets timers for its deadlines; extra ones find nothing to do. */
  const run = (all?: boolean) => {
    const now = ctx.now()
    while (pend[0] && (all || now - pend[0].c.t >= W)) send(pend.shift()!, now)
    if (all || (b && now - b.ts[0]! >= R.windowMs)) endBurst()
  }
  const tick = monitor(run)
  const flush = () => run(true)

  const onClick = (ev: Event) => {
    const e = ev as MouseEvent
    let t = e.target as Element
    if (trustedOnly && !e.isTrusted) return
    const at = ctx.now()
    // A text selection (made by this click's press: a drag, a double or triple click) exempts the click and
    // those just before it from dead, and ends a rage burst. Read here rather than on selectionchange, which
    // fires on every keystroke; after the press, layout is fresh. One the page makes later is seen when the
    // click is judged (r below).
    const selected = getSelection()?.isCollapsed === false
    if (selected) {
      b = undefined
      for (const p of pend) if (at - p.c.t <= D) p.r = false
    }
    const x = Math.round(e.clientX)
    const y = Math.round(e.clientY)
    // Keyboard activation (Enter/Space) has no pointer position: no geometry for it.
    const pointer = !!(e.detail || x || y)
    let found = t.closest(INTERACTIVE)
    // The event lands on an ancestor of what was visibly clicked when that is a disabled control (browsers
    // skip them): look under the pointer only then, since elementFromPoint forces a layout.
    const hit = pointer && !found && t.querySelector(':disabled') ? document.elementFromPoint(x, y) : null
    if (hit && t.contains(hit)) {
      t = hit
      found = t.closest(INTERACTIVE)
    }
    const el = found ?? t
    const tag = el.tagName
    const type = (el as HTMLInputElement).type
    const link = t.closest('a[href]') as HTMLAnchorElement | null
    const ignored = isMarked(t, IGNORE_ATTR)
    // Is the target, or something around or inside it, marked with `a`? (t is el or inside it.)
    const touches = (a: string) => isMarked(el, a) || !!el.querySelector(`[${a}]`)
    const strict = o.privacy === 'strict' || touches(MASK_ATTR)
    const c: Click = {
      type: 'click',
      t: at,
      url: ctx.pageUrl(),
      x,
      y,
      button: e.button,
      selector: selectorOf(el),
      tag: tag.toLowerCase(),
      testId: testIdOf(el),
      // Explicit role, or the implicit one of the common controls only.
      role:
        attr(el, 'role') ||
        (el === link
          ? 'link'
          : tag === 'INPUT'
            ? /^(checkbox|radio)$/.test(type)
              ? type
              : 'textbox'
            : ROLES[tag]),
    }
    // A blocked part in or around the target, or an ignored one around it, hides all of its text.
    if (!ignored && !touches(BLOCK_ATTR)) {
      const level = strict ? 'strict' : 'default'
      const textOf = (l: Element | null | undefined) => l && visibleText(l, level)
      c.text = visibleText(el, level)
      // Accessible name, roughly as a screen reader computes it; never an input's value.
      const name = (
        attr(el, 'aria-label')?.trim() ||
        attr(el, 'aria-labelledby')
          ?.split(/\s+/)
          .map((id) => textOf(document.getElementById(id)))
          .filter(Boolean)
          .join(' ') ||
        attr(el, 'alt') ||
        attr(el, 'title') ||
        textOf(labelOf(el)) ||
        c.text
      )
        ?.replace(/\s+/g, ' ')
        .trim()
        .slice(0, 100)
      c.name = name && strict ? name.replace(/\S/g, '*') : name
      if (link) c.href = scrubUrl(link.href)
    }
    const canDie =
      !selected &&
      !ignored &&
      !(e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) &&
      !/^(INPUT|TEXTAREA|SELECT|LABEL)$/.test(tag) &&
      !(t as HTMLElement).isContentEditable &&
      !(link && (link.hasAttribute('download') || !/^(_self)?$/.test(link.target)))
    // Why this click had no effect: asked only for a dead click, when nothing has changed since it. A click
    // where no reaction was expected (plain text or blank space: no interactive element, no pointer cursor),
    // or one after which the page selected text, is not dead.
    const r =
      canDie &&
      (() => {
        if ((!found && getComputedStyle(t).cursor !== 'pointer') || getSelection()?.isCollapsed === false)
          return
        const under = hit ?? (pointer ? document.elementFromPoint(x, y) : null)
        const rect = el.getBoundingClientRect()
        return el.closest('[disabled],[aria-disabled="true"]')
          ? 'disabled'
          : noPointer(el)
            ? 'pointer_events_none'
            : under && !el.contains(under) && !under.contains(el)
              ? 'covered'
              : (rect.width || rect.height) &&
                  (rect.bottom <= 0 || rect.right <= 0 || rect.top >= innerHeight || rect.left >= innerWidth)
                ? 'off_screen'
                : 'no_reaction'
      })
    pend.push({ c, r, s: {} })

    if (b && (b.el !== el || Math.hypot(x - b.c.x, y - b.c.y) > R.radiusPx || at - b.ts[0]! > R.windowMs))
      endBurst()
    b ??= { el, ts: [], c }
    b.ts.unshift(at)
    // Until it is a rage incident, a burst keeps only the clicks of the last window.
    if (b.ts.length <= R.count) b.ts = b.ts.filter((s) => at - s <= R.windowMs)
    setTimeout(tick, W)
    if (R.windowMs !== W) setTimeout(tick, R.windowMs)
  }

  const offs = [
    listen(document, 'click', onClick),
    ctx.activity.subscribe((kind, at) => {
      // Any reaction counts for every click still watching (fewer false dead clicks), but an error is
      // blamed on the latest click before it only: in a quick sequence, the click that ran last is the
      // one whose handler threw, not the ones before it.
      for (const p of kind === 'error' ? pend.filter((p) => p.c.t <= at).slice(-1) : pend) p.s[kind] ??= at
      if (kind === 'scroll') b = undefined
    }),
  ]

  return {
    flush,
    stop() {
      flush()
      for (const off of offs) off()
    },
  }
}
