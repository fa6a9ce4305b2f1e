import { listen } from '../browser/listen.js'
import { monitor } from '../tools/monitor.js'
import { patch } from '../tools/patch.js'
import { scrubUrl } from '../tools/urlUtils.js'
import type { CaptureContext, SightlineEvent, Stoppable } from '../types.js'

type Nav = Extract<SightlineEvent, { type: 'pageview' }>['nav']

/**
 * One page view at start (nav from the navigation timing entry) and one per SPA URL change
 * (history.pushState/replaceState, popstate, hashchange; a change of the fragment alone counts);
 * each also publishes 'navigation' activity. An SPA view's referrer is the previous page URL. The
 * title is sent only under privacy 'default'.
 */
export function trackPageViews(ctx: CaptureContext): Stoppable {
  let current = location.href
  let previousUrl = ''
  let active = true

  const view = (nav: Nav, referrer: string) => {
    const href = ctx.pageUrl()
    ctx.emit({
      type: 'pageview',
      t: ctx.now(),
      url: href,
      href,
      nav,
      ...(referrer && { referrer }),
      ...(ctx.options.privacy === 'default' && document.title && { title: document.title.slice(0, 512) }),
    })
    previousUrl = href
  }
  const onChange = monitor(() => {
    if (!active || location.href === current) return
    current = location.href
    ctx.activity.notify('navigation')
    view('spa', previousUrl)
  })

  const type = (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)
    ?.type
  view(/^(reload|back_forward|prerender)$/.test(type!) ? (type as Nav) : 'load', scrubUrl(document.referrer))

  const offs = [
    // history.pushState/replaceState: ours runs after the original (a later wrapper of someone else keeps working).
    patch(history, 'pushState', () => onChange),
    patch(history, 'replaceState', () => onChange),
    listen(window, 'popstate', onChange),
    listen(window, 'hashchange', onChange),
  ]

  return {
    stop() {
      active = false
      for (const off of offs) off()
    },
  }
}
