import type { KEY_CLASSES } from '@sightline/schema'
import { listen } from '../browser/listen.js'
import { IGNORE_ATTR, isMarked } from '../tools/privacy.js'
import { selectorOf } from '../tools/selector.js'
import type { CaptureContext, Stoppable } from '../types.js'

type KeyClass = (typeof KEY_CLASSES)[number]

/** Keys reported under their own name. */
const NAMED = /^(Enter|Tab|Escape|Backspace|Delete|Arrow(Up|Down|Left|Right)|Home|End|Page(Up|Down))$/
const MODIFIER = /^(Shift|Control|Alt|AltGraph|Meta|OS|Hyper|Super|Fn|Symbol|\w+Lock)$/

/**
 * Key presses as classes, never as typed characters.
 * - Shift alone does not make a shortcut; Ctrl/Alt/Meta do.
 * - A shortcut is named ('Ctrl+S', 'Meta+Shift+K') outside editable fields. Inside one, only the
 *   editing commands Ctrl/Meta + A C V X Z Y (without Alt) are named; any other is a bare 'Shortcut'.
 * - Auto-repeat keydowns are dropped: holding a key is one event.
 * - A run of 'Character' keys on the same element is one event; any other key ends the run. In a field,
 *   Space is typing like any character: it continues the run (a 'Space' event per word would tell how many
 *   words were typed). Outside fields it is 'Space' (it scrolls or activates).
 */
export function trackKeys(ctx: CaptureContext): Stoppable {
  /** The element of the current run of 'Character' keys, and the target of its events. */
  let run: Element | undefined
  let runTarget: EventTarget | null | undefined

  return {
    stop: listen(document, 'keydown', (event) => {
      const e = event as KeyboardEvent
      const key = e.key ?? ''
      // Typing: one more plain character (Space included: a run is only ever in a field, see below) on the
      // target of the current run changes nothing. Checked first and with few reads, since this runs for every
      // keystroke (each DOM read costs the page here).
      if (e.target === runTarget && !(e.ctrlKey || e.metaKey || e.altKey) && key.length === 1) return
      const el = e.composedPath()[0] as HTMLElement | undefined
      if (e.repeat || el?.nodeType !== 1 || isMarked(el, IGNORE_ATTR)) return
      const inField = /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable
      let k = (
        key === ' ' && !inField
          ? 'Space'
          : NAMED.test(key)
            ? key
            : /^F([1-9]|1[0-2])$/.test(key)
              ? 'Function'
              : [...key].length === 1
                ? 'Character'
                : MODIFIER.test(key)
                  ? 'Modifier'
                  : 'Other'
      ) as KeyClass
      /** What a shortcut string may show. */
      const name = k === 'Character' ? key.toUpperCase() : k === 'Space' ? k : k !== 'Other' && key
      let shortcut: string | undefined
      if (k !== 'Modifier' && (e.ctrlKey || e.metaKey || e.altKey)) {
        if (name && (k !== 'Character' || !inField || (/^[acvxyz]$/i.test(key) && !e.altKey)))
          shortcut = `${e.ctrlKey ? 'Ctrl+' : ''}${e.altKey ? 'Alt+' : ''}${e.metaKey ? 'Meta+' : ''}${e.shiftKey ? 'Shift+' : ''}${name}`
        k = 'Shortcut'
      }
      if (k === 'Character') {
        if (run === el) return
        run = el
        // The early return above only in fields: outside them it would swallow Space, which is its own class
        // there (the run is still one event, by the check above).
        if (inField) runTarget = e.target
      } else run = runTarget = undefined
      ctx.emit({
        type: 'key',
        t: ctx.now(),
        url: ctx.pageUrl(),
        key: k,
        ...(shortcut && { shortcut }),
        selector: selectorOf(el),
        inField,
      })
    }),
  }
}
