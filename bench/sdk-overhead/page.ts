/**
 * The benchmark page: a shop-like page of well over 4,000 elements (sticky header with a search
 * input and buttons, a grid of 1,000 product cards, a form, a long activity feed, a fixed feedback
 * box with a textarea) plus the in-page probes (`window.__bench`). The body is generated once; only
 * the variant's scripts in <head> differ between variants.
 */

export const CARDS = 1_000
export const FEED_ITEMS = 400
/** Mutations per burst: FEED_APPEND appended + FEED_APPEND removed + the rest updated in place. */
export const BURST_MUTATIONS = 500
const FEED_APPEND = 200

const COLORS = ['#e57373', '#64b5f6', '#81c784', '#ffd54f', '#ba68c8', '#4db6ac', '#ff8a65', '#90a4ae']

function card(i: number): string {
  const color = COLORS[i % COLORS.length]
  const price = ((i * 37) % 500) + 0.99
  return (
    `<article class="card" data-id="${i}"><div class="thumb" style="background:${color}"></div>` +
    `<h3 class="title">Product ${i}</h3><p class="price">$${price.toFixed(2)}</p>` +
    `<button class="add" type="button">Add to cart</button></article>`
  )
}

function feedItem(i: number): string {
  return `<li class="feed-item"><span class="who">user${i % 97}</span> <em>viewed</em> product ${i % CARDS}</li>`
}

function form(): string {
  const fields = ['First name', 'Last name', 'Email', 'Phone', 'Street', 'City', 'Zip', 'Country']
  const inputs = fields
    .map((f, i) => `<label>${f} <input name="f${i}" type="${f === 'Email' ? 'email' : 'text'}"></label>`)
    .join('')
  const options = Array.from({ length: 20 }, (_, i) => `<option value="${i}">Option ${i}</option>`).join('')
  return (
    `<form id="checkout" onsubmit="return false">${inputs}<select name="choice">${options}</select>` +
    `<label><input type="checkbox" name="terms"> I agree</label><button type="submit">Order</button></form>`
  )
}

const STYLE = `
body{margin:0;font:14px system-ui,sans-serif}
header{position:sticky;top:0;z-index:2;display:flex;gap:8px;align-items:center;padding:8px;background:#263238;color:#fff}
header input{width:240px}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;padding:8px}
.card{border:1px solid #ccc;border-radius:4px;padding:6px}.card.selected{outline:3px solid #1976d2}
.thumb{height:60px;border-radius:3px}.title{font-size:14px;margin:4px 0}.price{margin:2px 0}
#checkout{display:grid;grid-template-columns:repeat(4,1fr);gap:8px;padding:8px}
#feed{columns:3;padding:8px 24px}.feed-item.hot{color:#c62828}
#feedback{position:fixed;right:8px;bottom:8px;z-index:2;background:#fff;border:1px solid #999;padding:6px}
#feedback textarea{width:260px;height:60px}
`

/**
 * Probes shared by every variant, installed before any SDK: long tasks (PerformanceObserver), the
 * page's own window.onerror, event handlers of the page, and `__bench.burst()` — 500 DOM mutations
 * in one task, timed until the mutations are done (sync), until the last MutationObserver has been
 * called (observed: the variant's observers ran before it), until a setTimeout(0) queued right after
 * them has run (task: microtasks and whatever Chromium runs first, usually a frame) and until a
 * setTimeout(0) queued from the next animation frame has run (frame: style, layout, paint too).
 */
const PROBES = `
(() => {
  const longTasks = [];
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push([e.startTime, e.duration]); })
      .observe({ type: 'longtask', buffered: true });
  } catch {}
  let errors = 0, from = 0, to = Infinity, burstNo = 0;
  const bursts = [];
  // Created at start(), after the variant's observers: MutationObserver callbacks run in creation
  // order, so this one runs once every other observer has handled the burst.
  let observedAt = 0, probe = null;
  window.onerror = () => { errors++; };
  const hot = (n) => n % 7 === 0 ? 'feed-item hot' : 'feed-item';
  function mutate(n) {
    const feed = document.getElementById('feed');
    const frag = document.createDocumentFragment();
    for (let i = 0; i < ${FEED_APPEND}; i++) {
      const li = document.createElement('li');
      li.className = hot(i);
      li.innerHTML = '<span class="who">user' + ((n * 31 + i) % 97) + '</span> <em>bought</em> product ' + ((n * 13 + i) % ${CARDS});
      frag.appendChild(li);
    }
    feed.appendChild(frag);
    for (let i = 0; i < ${FEED_APPEND}; i++) feed.firstElementChild.remove();
    const prices = document.getElementsByClassName('price');
    for (let i = 0; i < ${BURST_MUTATIONS - 2 * FEED_APPEND}; i++) {
      const p = prices[(n * 101 + i * 7) % prices.length];
      p.textContent = '$' + (((n + i) * 13) % 500 + 0.49).toFixed(2);
      p.parentElement.dataset.rev = String(n);
    }
  }
  window.__bench = {
    longTasks, bursts,
    start() {
      from = performance.now();
      bursts.length = 0;
      probe ??= new MutationObserver(() => { observedAt ||= performance.now(); });
      probe.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
    },
    end() {
      to = performance.now();
      const lt = longTasks.filter(([s]) => s >= from && s < to);
      return { bursts: bursts.slice(), longTasks: lt.length, longTaskMs: lt.reduce((a, [, d]) => a + d, 0), errors, elements: document.getElementsByTagName('*').length };
    },
    burst() {
      return new Promise((resolve) => {
        const t0 = performance.now();
        observedAt = 0;
        mutate(++burstNo);
        const sync = performance.now() - t0;
        let task = 0;
        setTimeout(() => { task = performance.now() - t0; });
        requestAnimationFrame(() => setTimeout(() => {
          const b = { sync, observed: observedAt ? observedAt - t0 : sync, task: task || performance.now() - t0, frame: performance.now() - t0 };
          bursts.push(b);
          resolve(b);
        }));
      });
    },
  };
  document.addEventListener('click', (e) => {
    const t = e.target instanceof Element ? e.target : null;
    const add = t && t.closest('button.add');
    if (add) {
      const c = document.getElementById('cart');
      c.textContent = String(Number(c.textContent) + 1);
      fetch(window.__benchApi + '/api/cart?id=' + add.parentElement.dataset.id, { method: 'POST', body: 'x' }).then((r) => r.text(), () => {});
      return;
    }
    const card = t && t.closest('.card');
    if (card) card.classList.toggle('selected');
    const nav = t && t.closest('header button');
    if (nav) document.title = 'Shop — ' + nav.textContent;
  });
})();
`

let body: string | undefined

/** The page's <body>, generated once. */
function pageBody(): string {
  if (body) return body
  const nav = ['Home', 'Deals', 'Sale', 'Help', 'Account']
    .map((n) => `<button type="button">${n}</button>`)
    .join('')
  const cards = Array.from({ length: CARDS }, (_, i) => card(i)).join('')
  const feed = Array.from({ length: FEED_ITEMS }, (_, i) => feedItem(i)).join('')
  body = `<body>
<header><strong>Shop</strong><input id="search" type="text" placeholder="Search">${nav}<span>Cart: <b id="cart">0</b></span></header>
<main id="grid">${cards}</main>
<section><h2>Checkout</h2>${form()}</section>
<section><h2>Activity</h2><ul id="feed">${feed}</ul></section>
<aside id="feedback"><label>Feedback<br><textarea id="message"></textarea></label></aside>
</body>`
  return body
}

/** The whole page; `head` holds the variant's scripts (placed after the probes); fetches go to apiOrigin. */
export function renderPage(head: string, apiOrigin: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>${STYLE}</style><script>window.__benchApi = ${JSON.stringify(apiOrigin)};${PROBES}</script>${head}</head>${pageBody()}</html>`
}
