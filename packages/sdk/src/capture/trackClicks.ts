import type { PrivacyLevel } from '../boot/options.js'
import { listen } from '../browser/listen.js'
import { DEAD_RULE_VERSION, ERROR_RULE_VERSION, RAGE_RULE_VERSION } from '../constants.js'
import { monitor } from '../tools/monitor.js'
import { BLOCK_ATTR, IGNORE_ATTR, isMarked, MASK_ATTR, visibleText } from '../tools/privacy.js'
import { selectorOf, testIdOf } from '../tools/selector.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { ActivityKind, CaptureContext, SightlineEvent, Stoppable } from '../types.js'

type Click = Extract<SightlineEvent, { type: 'click' }>
/**
 * A click waiting for the end of its observation window. r: why it would be dead, undefined when it
 * can never be (excluded, or a text selection followed); s: when each activity kind was first seen.
 */
type Pending = { c: Click; at: number; r: string | undefined; s: Partial<Record<ActivityKind, number>> }
/** A run of clicks on one target (ts: their times); a rage incident once it holds `rageClick.count`. */
type Burst = { el: Element; x: number; y: number; ts: number[]; c: Click }

/** The click is attributed to the closest of these (a span inside a button is a click on the button). */
const INTERACTIVE =
  'a,button,input,label,select,textarea,summary,[onclick],[role=button],[role=link],[role=menuitem],[role=tab],[role=checkbox],[role=switch]'
const ALIVE: ActivityKind[] = ['mutation', 'navigation', 'network', 'scroll']
const ROLES: Record<string, string> = { BUTTON: 'button', TEXTAREA: 'textbox', SELECT: 'combobox' }
const INPUT_ROLES: Record<string, string> = { checkbox: 'checkbox', radio: 'radio', range: 'slider' }

function roleOf(el: Element): string | undefined {
  const tag = el.tagName
  const type = (el as HTMLInputElement).type
  const implicit =
    tag === 'A'
      ? el.hasAttribute('href') && 'link'
      : tag === 'INPUT'
        ? INPUT_ROLES[type] || (/^(button|submit|reset|image)$/.test(type) ? 'button' : 'textbox')
        : ROLES[tag]
  return el.getAttribute('role') || implicit || undefined
}

/** Accessible name, roughly as a screen reader computes it; never an input's value. */
function nameOf(el: Element, level: PrivacyLevel): string | undefined {
  const byIds = (el.getAttribute('aria-labelledby') ?? '')
    .split(/\s+/)
    .map((id) => id && document.getElementById(id))
    .map((l) => l && visibleText(l, level))
    .filter(Boolean)
    .join(' ')
  const label = (el as HTMLInputElement).labels?.[0]
  const raw =
    el.getAttribute('aria-label')?.trim() ||
    byIds ||
    el.getAttribute('alt') ||
    el.getAttribute('title') ||
    (label && visibleText(label, level)) ||
    visibleText(el, level)
  if (!raw) return undefined
  const name = raw.replace(/\s+/g, ' ').trim().slice(0, 100)
  return level === 'strict' || isMarked(el, MASK_ATTR) ? name.replace(/\S/g, '*') : name
}

/** Why a click on `el` would have no effect, judged at click time. `hit` is the element under the pointer. */
function reasonOf(el: Element, hit: Element | null): string {
  if (el.closest('[disabled],[aria-disabled="true"]')) return 'disabled'
  for (let e: Element | null = el, i = 0; e && i < 4; e = e.parentElement, i++) {
    if (getComputedStyle(e).pointerEvents === 'none') return 'pointer_events_none'
  }
  if (hit && !el.contains(hit) && !hit.contains(el)) return 'covered'
  const r = el.getBoundingClientRect()
  const out = r.bottom <= 0 || r.right <= 0 || r.top >= innerHeight || r.left >= innerWidth
  return (r.width || r.height) && out ? 'off_screen' : 'no_reaction'
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
  let timer: ReturnType<typeof setTimeout> | undefined
  /** A non-collapsed selection appeared since the last click (so that click made it). */
  let selected = false
  const last = (x: Burst) => x.ts[x.ts.length - 1]!

  const send = (p: Pending, now: number) => {
    const seen = (w: number) => (Object.keys(p.s) as ActivityKind[]).filter((k) => p.s[k]! - p.at <= w)
    const dead = p.r !== undefined && now - p.at >= D && !seen(D).some((k) => ALIVE.includes(k))
    const error = p.s.error !== undefined && p.s.error - p.at <= E
    const { c } = p
    if (dead) c.dead = true
    if (error) c.error = true
    ctx.emit(c)
    const signal = (kind: 'dead_click' | 'error_click', w: number, rule: string, reason?: string) =>
      ctx.emit({
        type: 'signal',
        t: c.t,
        url: c.url,
        kind,
        reason,
        selector: c.selector,
        evidence: { windowMs: w, seen: seen(w), clickAt: p.at },
        rule,
      })
    if (dead) signal('dead_click', D, DEAD_RULE_VERSION, p.r)
    if (error) signal('error_click', E, ERROR_RULE_VERSION)
  }

  const endBurst = () => {
    if (b && b.ts.length >= R.count) {
      const { c, ts } = b
      const firstAt = ts[0]!
      const lastAt = last(b)
      ctx.emit({
        type: 'rage',
        t: firstAt,
        url: c.url,
        count: ts.length,
        x: b.x,
        y: b.y,
        selector: c.selector,
        firstAt,
        lastAt,
        rule: RAGE_RULE_VERSION,
      })
    }
    b = undefined
  }

  const schedule = () => {
    clearTimeout(timer)
    const next = Math.min(pend[0] ? pend[0].at + W : Infinity, b ? last(b) + R.windowMs : Infinity)
    timer = next < Infinity ? setTimeout(tick, Math.max(0, next - ctx.now())) : undefined
  }

  const tick = monitor(() => {
    const now = ctx.now()
    while (pend[0] && now - pend[0].at >= W) send(pend.shift()!, now)
    if (b && now - last(b) >= R.windowMs) endBurst()
    schedule()
  })

  const flush = () => {
    const now = ctx.now()
    while (pend[0]) send(pend.shift()!, now)
    endBurst()
    schedule()
  }

  const onClick = (ev: Event) => {
    const e = ev as MouseEvent
    if ((trustedOnly && !e.isTrusted) || !(e.target instanceof Element)) return
    let t = e.target
    const at = ctx.now()
    const x = Math.round(e.clientX)
    const y = Math.round(e.clientY)
    // Keyboard activation (Enter/Space) has no pointer position: skip the geometry checks.
    const hit = !e.detail && !x && !y ? null : document.elementFromPoint(x, y)
    // The event may land on an ancestor of what was visibly clicked (browsers skip disabled controls).
    if (hit && hit !== t && t.contains(hit)) t = hit
    const found = t.closest(INTERACTIVE)
    const el = found ?? t
    const tag = el.tagName
    const link = t.closest('a[href]') as HTMLAnchorElement | null
    const quiet =
      [BLOCK_ATTR, IGNORE_ATTR].some((a) => isMarked(t, a) || isMarked(el, a)) ||
      !!el.querySelector(`[${BLOCK_ATTR}]`)
    // visibleText reads textContent, so a masked part inside the target masks all of it.
    const level = el.querySelector(`[${MASK_ATTR}]`) ? 'strict' : o.privacy
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
      role: roleOf(el),
    }
    if (!quiet) {
      c.text = visibleText(el, level, 100)
      c.name = nameOf(el, level)
      if (link) c.href = scrubUrl(link.href).slice(0, 4096)
    }
    const canDie =
      !selected &&
      !isMarked(t, IGNORE_ATTR) &&
      !(e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) &&
      !/^(INPUT|TEXTAREA|SELECT|LABEL)$/.test(tag) &&
      !(t as HTMLElement).isContentEditable &&
      !(link && (link.hasAttribute('download') || (link.target && link.target !== '_self'))) &&
      // Only where a reaction is expected: clicks on plain text or blank space are not dead clicks.
      (!!found || getComputedStyle(t).cursor === 'pointer')
    selected = false
    pend.push({ c, at, r: canDie ? reasonOf(el, hit) : undefined, s: {} })

    if (b && (b.el !== el || Math.hypot(x - b.x, y - b.y) > R.radiusPx || at - last(b) > R.windowMs))
      endBurst()
    b ??= { el, x, y, ts: [], c }
    b.ts.push(at)
    // Until it is a rage incident, a burst keeps only the clicks of the last window.
    if (b.ts.length <= R.count) b.ts = b.ts.filter((s) => at - s <= R.windowMs)
    schedule()
  }

  const onSelection = () => {
    if (getSelection()?.isCollapsed !== false) return
    selected = true
    b = undefined
    const now = ctx.now()
    for (const p of pend) if (now - p.at <= D) p.r = undefined
  }

  const offs = [
    listen(document, 'click', onClick),
    listen(document, 'selectionchange', onSelection),
    ctx.activity.subscribe((kind, at) => {
      if (kind === 'error') {
        // An error is blamed on the latest click before it only: in a quick sequence, the click that
        // ran last is the one whose handler threw, not the ones before it.
        let latest: (typeof pend)[number] | undefined
        for (const p of pend) if (p.at <= at && (!latest || p.at >= latest.at)) latest = p
        if (latest) latest.s.error ??= at
        return
      }
      // Any reaction counts for every click still watching: fewer false dead clicks.
      for (const p of pend) p.s[kind] ??= at
      if (kind === 'scroll') b = undefined
    }),
  ]

  return {
    flush,
    stop() {
      flush()
      for (const off of offs) off()
      clearTimeout(timer)
    },
  }
}
