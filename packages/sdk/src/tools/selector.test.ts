// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
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
})
