// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { selectorOf, testIdOf } from './selector.js'

describe('selectorOf', () => {
  it('should prefer ids and test ids, and fall back to a short tag path', () => {
    document.body.innerHTML = `<main><div class="card x123456"><button id="buy">Buy</button><button data-testid="later">Later</button><span>a</span><span class="price">b</span></div></main>`
    expect(selectorOf(document.getElementById('buy'))).toBe('button#buy')
    expect(selectorOf(document.querySelector('[data-testid]'))).toBe('button[data-testid="later"]')
    expect(testIdOf(document.querySelector('[data-testid]')!)).toBe('later')
    expect(selectorOf(document.querySelector('.price'))).toBe(
      'body > main > div.card > span.price:nth-of-type(2)',
    )
  })

  it('should use data-cy, and cap the selector at 1024 characters', () => {
    document.body.innerHTML = `<div data-cy="card"><a data-test-id="x">a</a></div><p id="${'p'.repeat(2000)}">p</p>`
    expect(selectorOf(document.querySelector('[data-cy]'))).toBe('div[data-cy="card"]')
    expect(testIdOf(document.querySelector('a')!)).toBeUndefined()
    expect(selectorOf(document.querySelector('p'))).toHaveLength(1024)
  })

  it('should count the position of an element once, for all its descendants', () => {
    document.body.innerHTML = `<main>${'<article class="card"><h3>t</h3><button>b</button></article>'.repeat(50)}</main>`
    const walk = vi.spyOn(Element.prototype, 'previousElementSibling', 'get')
    const card = document.querySelectorAll('article')[40]!
    expect(selectorOf(card.querySelector('h3'))).toBe('body > main > article.card:nth-of-type(41) > h3')
    const walked = walk.mock.calls.length
    expect(walked).toBeGreaterThan(40)
    expect(selectorOf(card.querySelector('button'))).toBe(
      'body > main > article.card:nth-of-type(41) > button',
    )
    // The button's own position: two siblings, not the 40 cards again.
    expect(walk.mock.calls.length - walked).toBeLessThan(5)
    walk.mockRestore()
  })
})
