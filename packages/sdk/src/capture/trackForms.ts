import { listen } from '../browser/listen.js'
import { monitor } from '../tools/monitor.js'
import { IGNORE_ATTR, isMarked } from '../tools/privacy.js'
import { selectorOf } from '../tools/selector.js'
import { maskFormFields } from '../tools/urlUtils.js'
import type { CaptureContext, SightlineEvent, Stoppable } from '../types.js'

type FormEvent = Extract<SightlineEvent, { type: 'form' }>

/** MAX_TEXT_CHARS of the wire format. */
const TEXT_MAX = 512

/**
 * Form interactions as metadata, never values: focus, input (with the value's length only; at most
 * one per field per second, leading and trailing edge, a pending trailing one sent early by any
 * other event of the field and by flush), change, blur (with time since focus), submit, invalid (the
 * browser's generic message) and abandon: on flush(true) (init calls it on pagehide; a mere tab
 * switch is not leaving), each form with an 'input' or 'change' since its last submit is reported
 * once with its last field. Fields outside a <form> never count as abandoned. stop() sends nothing.
 */
export function trackForms(ctx: CaptureContext): Stoppable & { flush(exit?: boolean): void } {
  /** The field typed into last, when its last input event was sent, and its pending (trailing) one. */
  let typed: HTMLInputElement | undefined
  let inputAt = 0
  let timer: ReturnType<typeof setTimeout> | 0 = 0
  let focusedAt = 0
  /** Forms interacted with and not submitted → their last interacted field. */
  const started = new Map<Element, HTMLInputElement>()

  const formOf = (el: HTMLInputElement) => el.form ?? el.closest('form')
  const emit = (action: FormEvent['action'], fields: Partial<FormEvent>) =>
    ctx.emit({ type: 'form', t: ctx.now(), url: ctx.pageUrl(), action, ...fields })
  const send = (action: FormEvent['action'], el: HTMLInputElement, extra?: Partial<FormEvent>) =>
    emit(action, {
      selector: selectorOf(el),
      name: (el.getAttribute('name') || el.id).slice(0, TEXT_MAX) || undefined,
      fieldType:
        el.tagName === 'INPUT'
          ? el.type
          : el.isContentEditable
            ? 'contenteditable'
            : el.tagName.toLowerCase(),
      form: selectorOf(formOf(el)),
      ...extra,
    })
  /**
   * Sends the pending input event, if any (the value is read to count it and goes no further), and listens
   * to input events again.
   */
  const settle = monitor(() => {
    offInput ??= on('input')
    if (!timer) return
    clearTimeout(timer)
    timer = 0
    inputAt = ctx.now()
    const el = typed!
    send('input', el, {
      length: el.isContentEditable
        ? el.textContent?.length
        : /^(checkbox|radio|select-\w+)$/.test(el.type)
          ? undefined
          : el.value.length,
    })
  })

  const on = (type: string) =>
    listen(document, type, (ev) => {
      const el = ev.target as HTMLInputElement
      if (el.nodeType !== 1 || isMarked(el, IGNORE_ATTR)) return
      if (type === 'submit') {
        started.delete(el)
        // A GET form carries what was typed into the next page's URL: mask its field names in URLs.
        const form = el as unknown as HTMLFormElement
        if (
          form.method === 'get' ||
          ((ev as SubmitEvent).submitter as HTMLButtonElement)?.formMethod === 'get'
        )
          maskFormFields(form)
        return emit('submit', { form: selectorOf(el) })
      }
      if (
        el.tagName === 'INPUT'
          ? /^(button|submit|reset|image)$/.test(el.type)
          : !/^(TEXTAREA|SELECT)$/.test(el.tagName) && !el.isContentEditable
      )
        return // not a form field
      const now = ctx.now()
      if (type === 'input' || type === 'change') {
        const form = formOf(el)
        if (form && !isMarked(form, IGNORE_ATTR)) started.set(form, el)
      }
      if (type === 'input') {
        if (el !== typed) {
          settle()
          typed = el
          inputAt = 0
        }
        // Leading edge (after 0 ms), then at most one per second, the last one trailing. Until the send, more
        // typing changes nothing (the length is read when it is sent): input is not listened to meanwhile (a
        // listener call per keystroke costs the page). Focus, change and flush send early and listen again.
        timer ||= setTimeout(settle, inputAt + 1_000 - now)
        offInput?.()
        offInput = undefined
        return
      }
      settle()
      if (type === 'focusin') {
        focusedAt = now
        return send('focus', el)
      }
      send(
        type === 'focusout' ? 'blur' : (type as 'change'),
        el,
        type === 'focusout'
          ? { durationMs: focusedAt && Math.max(0, now - focusedAt) }
          : // validationMessage is the browser's generic text ("Please fill out this field."), never the value.
            type === 'invalid'
            ? { message: el.validationMessage?.slice(0, TEXT_MAX) || undefined }
            : {},
      )
      if (type === 'focusout') focusedAt = 0
    })
  let offInput: (() => void) | undefined = on('input')
  const offs = ['focusin', 'change', 'focusout', 'invalid', 'submit'].map(on)

  return {
    /** `exit`: the page is being left (pagehide), so started, unsubmitted forms are abandoned. */
    flush(exit) {
      settle()
      if (!exit) return
      for (const last of started.values()) send('abandon', last)
      started.clear()
    },
    stop() {
      for (const off of offs) off()
      offInput?.()
      clearTimeout(timer)
    },
  }
}
