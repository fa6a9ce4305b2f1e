import { listen } from '../browser/listen.js'
import { monitor } from '../tools/monitor.js'
import { IGNORE_ATTR, isMarked } from '../tools/privacy.js'
import { selectorOf } from '../tools/selector.js'
import type { CaptureContext, SightlineEvent, Stoppable } from '../types.js'

/**
 * At most one 'input' event per field per this window (leading and trailing edge); a pending trailing
 * one is sent early on change, blur and flush, so the last length is never lost.
 */
const INPUT_EVERY_MS = 1_000
/** MAX_TEXT_CHARS of the wire format. */
const TEXT_MAX = 512

type Action = 'focus' | 'input' | 'change' | 'blur' | 'submit' | 'invalid' | 'abandon'

/** A form field (not a button), unless inside [data-sightline-ignore]. */
function fieldOf(target: EventTarget | null): HTMLElement | undefined {
  const el = target as HTMLElement | null
  if (el?.nodeType !== 1 || isMarked(el, IGNORE_ATTR)) return undefined
  const tag = el.tagName
  if (tag === 'INPUT')
    return /^(?:button|submit|reset|image)$/.test((el as HTMLInputElement).type) ? undefined : el
  return tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable ? el : undefined
}

/** Length of a field's value (passwords included: the length only); none for select, checkbox and radio. */
function lengthOf(el: HTMLElement): number | undefined {
  if (el.isContentEditable) return (el.textContent ?? '').length
  const { tagName, type, value } = el as HTMLInputElement
  return tagName === 'TEXTAREA' || (tagName === 'INPUT' && !/^(?:checkbox|radio)$/.test(type))
    ? value.length
    : undefined
}

/**
 * Form interactions as metadata, never values: focus, input (with the value's length only), change,
 * blur (with time since focus), submit, invalid (the browser's generic message) and abandon: on
 * flush(true) (init calls it on pagehide; a mere tab switch is not leaving), each form with an 'input' or 'change' since its last submit is reported once
 * with its last field. Fields outside a <form> never count as abandoned. stop() sends nothing.
 */
export function trackForms(ctx: CaptureContext): Stoppable & { flush(exit?: boolean): void } {
  const focusedAt = new WeakMap<Element, number>()
  const inputAt = new WeakMap<Element, number>()
  const pending = new Map<HTMLElement, ReturnType<typeof setTimeout>>()
  /** Forms interacted with and not submitted → their last interacted field. */
  const started = new Map<Element, HTMLElement>()

  const formOf = (el: Element) => (el as HTMLInputElement).form ?? el.closest('form')
  const send = (
    action: Action,
    el: HTMLElement,
    extra?: Partial<Extract<SightlineEvent, { type: 'form' }>>,
  ) => {
    ctx.emit({
      type: 'form',
      t: ctx.now(),
      url: ctx.pageUrl(),
      action,
      selector: selectorOf(el),
      name: (el.getAttribute('name') || el.id || undefined)?.slice(0, TEXT_MAX),
      fieldType:
        el.tagName === 'INPUT'
          ? (el as HTMLInputElement).type
          : el.isContentEditable
            ? 'contenteditable'
            : el.tagName.toLowerCase(),
      form: selectorOf(formOf(el)),
      ...extra,
    })
  }
  const sendInput = (el: HTMLElement) => {
    pending.delete(el)
    inputAt.set(el, ctx.now())
    // The value is read to count it and goes no further.
    send('input', el, { length: lengthOf(el) })
  }
  const interacted = (el: HTMLElement) => {
    const form = formOf(el)
    if (form && !isMarked(form, IGNORE_ATTR)) started.set(form, el)
  }

  /** `exit`: the page is being left (pagehide), so started, unsubmitted forms are abandoned. */
  const flush = (exit?: boolean) => {
    for (const el of pending.keys()) settle(el)
    if (!exit) return
    for (const [form, last] of started) send('abandon', last, { form: selectorOf(form) })
    started.clear()
  }

  const onInput = (el: HTMLElement) => {
    interacted(el)
    if (pending.has(el)) return
    const wait = (inputAt.get(el) ?? Number.NEGATIVE_INFINITY) + INPUT_EVERY_MS - ctx.now()
    if (wait <= 0) sendInput(el)
    else pending.set(el, setTimeout(monitor(sendInput), wait, el))
  }
  /** Sends a field's pending (trailing) input now, so it comes before the change or blur. */
  const settle = (el: HTMLElement) => {
    const timer = pending.get(el)
    if (timer === undefined) return
    clearTimeout(timer)
    sendInput(el)
  }
  const onBlur = (el: HTMLElement) => {
    settle(el)
    const at = focusedAt.get(el)
    focusedAt.delete(el)
    send('blur', el, at === undefined ? {} : { durationMs: Math.max(0, Math.round(ctx.now() - at)) })
  }
  const on = (type: string, handler: (el: HTMLElement) => void) =>
    listen(document, type, (event) => {
      const el = fieldOf(event.target)
      if (el) handler(el)
    })
  const offs = [
    on('focusin', (el) => {
      focusedAt.set(el, ctx.now())
      send('focus', el)
    }),
    on('input', onInput),
    on('change', (el) => {
      interacted(el)
      settle(el)
      send('change', el)
    }),
    on('focusout', onBlur),
    // validationMessage is the browser's generic text ("Please fill out this field."), never the value.
    on('invalid', (el) =>
      send('invalid', el, {
        message: (el as HTMLInputElement).validationMessage?.slice(0, TEXT_MAX) || undefined,
      }),
    ),
    listen(document, 'submit', (event) => {
      const form = event.target as HTMLFormElement
      if (form?.nodeType !== 1 || isMarked(form, IGNORE_ATTR)) return
      started.delete(form)
      ctx.emit({ type: 'form', t: ctx.now(), url: ctx.pageUrl(), action: 'submit', form: selectorOf(form) })
    }),
  ]

  return {
    flush,
    stop() {
      for (const off of offs) off()
      for (const timer of pending.values()) clearTimeout(timer)
      pending.clear()
      started.clear()
    },
  }
}
