// The demo site's own behaviour, shared by its pages. Nothing here knows about Sightline: the
// e2e tests compare the pages with and without the SDK (hostSafety.e2e.ts).
const $ = (id) => document.getElementById(id)
const say = (text) => {
  $('status').textContent = text
}
const onClick = (id, handler) => $(id)?.addEventListener('click', handler)

let inCart = 0
onClick('buy', () => {
  inCart += 1
  $('cart').textContent = `In cart: ${inCart}`
})
onClick('boom', () => {
  throw new Error('boom from the demo')
})

/** One fetch, its outcome written in #status: "<label>: <status>" or "<label>: failed". */
const call = (label, url) =>
  fetch(url).then(
    (res) => say(`${label}: ${res.status}`),
    () => say(`${label}: failed`),
  )
onClick('fetch-ok', () => call('ok', '/api/ok'))
onClick('fetch-404', () => call('missing', '/api/missing?token=CANARY-URL-TOKEN'))
onClick('fetch-500', () => call('broken', '/api/broken'))
onClick('fetch-fail', () => call('unreachable', '{{CLOSED_ORIGIN}}/api/never'))

onClick('log', () => {
  console.debug('debug line')
  console.log('log line')
  console.info('info line')
  console.warn('warn line')
  console.error('error line')
})

// SPA: /products is rendered in place, with history.pushState; Back renders the home view again.
const home = $('view')?.innerHTML
const render = () => {
  if (!$('view')) return
  const products = /\/products$/.test(location.pathname)
  $('view').innerHTML = products ? '<h2>Products</h2><ul><li>Lamp</li><li>Chair</li></ul>' : home
  document.title = products ? 'Demo shop: products' : 'Demo shop'
}
onClick('spa-products', () => {
  history.pushState({}, '', 'products?ref=nav&token=CANARY-SPA-TOKEN')
  render()
})
addEventListener('popstate', render)

$('signup')?.addEventListener('submit', (event) => {
  event.preventDefault()
  say('Thanks for signing up')
})
