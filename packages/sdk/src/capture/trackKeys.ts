import type { KEY_CLASSES } from '@sightline/schema'
import { listen } from '../browser/listen.js'
import { IGNORE_ATTR, isMarked } from '../tools/privacy.js'
import { selectorOf } from '../tools/selector.js'
import type { CaptureContext, Stoppable } from '../types.js'

type KeyClass = (typeof KEY_CLASSES)[number]

/** Keys reported under their own name. */
const NAMED = /^(?:Enter|Tab|Escape|Backspace|Delete|Arrow(?:Up|Down|Left|Right)|Home|End|Page(?:Up|Down))$/
const MODIFIER = /^(?:Shift|Control|Alt|AltGraph|Meta|OS|Hyper|Super|Fn|FnLock|CapsLock|NumLock|ScrollLock)$/
/** Editing commands whose letter may be named even inside a field (select all, copy, paste, cut, undo, redo). */
const EDITING = /^[acvxyz]$/i
/** Consecutive 'Character' keys on the same element within this window make one event. */
const COALESCE_MS = 1_000

function isEditable(el: Element): boolean {
  return /^(?:INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || !!(el as HTMLElement).isContentEditable
}

/** The class of a key without modifiers; `name` is what a shortcut string may show. */
function classify(key: string): { k: KeyClass; name?: string } {
  if (key === ' ') return { k: 'Space', name: 'Space' }
  if (NAMED.test(key)) return { k: key as KeyClass, name: key }
  if (/^F(?:[1-9]|1[0-2])$/.test(key)) return { k: 'Function', name: key }
  if (MODIFIER.test(key)) return { k: 'Modifier' }
  if ([...key].length === 1) return { k: 'Character', name: key.toUpperCase() }
  return { k: 'Other' }
}

/**
 * Key presses as classes, never as typed characters.
 * - Shift alone does not make a shortcut; Ctrl/Alt/Meta do (AltGr, which types characters, does not).
 * - A shortcut is named ('Ctrl+S', 'Meta+Shift+K') outside editable fields. Inside one, only the
 *   editing commands Ctrl/Meta + A C V X Z Y (without Alt) are named; any other is a bare 'Shortcut'.
 * - Auto-repeat keydowns are dropped: holding a key is one event.
 * - A run of 'Character' keys on the same element sends one event per COALESCE_MS (the first of
 *   the run, then the first after each second has passed); any other key ends the run.
 */
export function trackKeys(ctx: CaptureContext): Stoppable {
  let runTarget: Element | undefined
  let runAt = 0

  const off = listen(document, 'keydown', (event) => {
    const e = event as KeyboardEvent
    const el = (e.composedPath?.()[0] ?? e.target) as Element | null
    if (e.repeat || !el || el.nodeType !== 1 || isMarked(el, IGNORE_ATTR)) return
    const inField = isEditable(el)
    const { k: base, name } = classify(e.key ?? '')
    let k = base
    let shortcut: string | undefined
    // Windows reports AltGr (which types characters like @ and €) as Ctrl+Alt.
    const altGr = e.ctrlKey && e.altKey && e.getModifierState?.('AltGraph')
    if (base !== 'Modifier' && !altGr && (e.ctrlKey || e.metaKey || e.altKey)) {
      const mods = `${e.ctrlKey ? 'Ctrl+' : ''}${e.altKey ? 'Alt+' : ''}${e.metaKey ? 'Meta+' : ''}${e.shiftKey ? 'Shift+' : ''}`
      const named = base !== 'Character' || !inField || (EDITING.test(e.key) && !e.altKey)
      if (name && named) shortcut = mods + name
      k = 'Shortcut'
    }
    const now = ctx.now()
    if (k === 'Character') {
      if (runTarget === el && now - runAt < COALESCE_MS) return
      runTarget = el
      runAt = now
    } else runTarget = undefined
    ctx.emit({
      type: 'key',
      t: now,
      url: ctx.pageUrl(),
      key: k,
      ...(shortcut && { shortcut }),
      selector: selectorOf(el),
      inField,
    })
  })

  return { stop: off }
}
