import { listen } from '../browser/listen.js'
import { monitor } from '../tools/monitor.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { CaptureContext, Stoppable } from '../types.js'

type Nav = 'load' | 'reload' | 'back_forward' | 'spa' | 'prerender'

/** A route: path and query, plus the fragment only when it is a hash-router route (#/… or #!/…). */
const route = () => location.pathname + location.search + (/^#!?\//.test(location.hash) ? location.hash : '')

/**
 * One page view at start (nav from the navigation timing entry) and one per SPA route change
 * (history.pushState/replaceState, popstate, hashchange) that changes the route; each route change
 * also publishes 'navigation' activity. An SPA view's referrer is the previous page URL. The title
 * is sent only under privacy 'default'.
 */
export function trackPageViews(ctx: CaptureContext): Stoppable {
  let current = route()
  let previousUrl = ''

  const view = (nav: Nav, referrer: string) => {
    const href = ctx.pageUrl()
    previousUrl = href
    ctx.emit({
      type: 'pageview',
      t: ctx.now(),
      url: href,
      href,
      nav,
      ...(referrer && { referrer: referrer.slice(0, 4096) }),
      ...(ctx.options.privacy === 'default' && document.title && { title: document.title.slice(0, 512) }),
    })
  }
  const onChange = monitor(() => {
    const next = route()
    if (next === current) return
    current = next
    ctx.activity.notify('navigation')
    view('spa', previousUrl)
  })

  const type: string | undefined = (
    performance.getEntriesByType?.('navigation')?.[0] as PerformanceNavigationTiming | undefined
  )?.type
  view(
    type === 'reload' || type === 'back_forward' || type === 'prerender' ? type : 'load',
    scrubUrl(document.referrer),
  )

  let active = true
  const wrap = (original: History['pushState']): History['pushState'] =>
    function (this: History, ...args) {
      const result = original.apply(this, args)
      if (active) onChange()
      return result
    }
  const { pushState, replaceState } = history
  const push = wrap(pushState)
  const replace = wrap(replaceState)
  history.pushState = push
  history.replaceState = replace
  const offs = [listen(window, 'popstate', onChange), listen(window, 'hashchange', onChange)]

  return {
    stop() {
      active = false
      for (const off of offs) off()
      // Restore only what is still ours: a wrapper installed after us keeps working (ours is inert).
      if (history.pushState === push) history.pushState = pushState
      if (history.replaceState === replace) history.replaceState = replaceState
    },
  }
}
