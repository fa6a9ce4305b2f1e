/** A tiny hyperscript: elements with attributes, properties, listeners and children, no framework. */
export type Child = Node | string | number | null | undefined | false | Child[]
type Props = Record<string, unknown>

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return
  if (Array.isArray(child)) for (const c of child) append(parent, c)
  else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)))
}

/** Properties set as DOM properties (not attributes): form state. */
const PROPERTIES = new Set(['value', 'checked', 'selected', 'disabled'])

function applyProps(el: Element, props: Props | null | undefined): void {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue
    if (key.startsWith('on') && typeof value === 'function')
      el.addEventListener(key.slice(2).toLowerCase(), value as EventListener)
    else if (PROPERTIES.has(key)) (el as unknown as Record<string, unknown>)[key] = value
    else el.setAttribute(key, value === true ? '' : String(value))
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  applyProps(el, props)
  append(el, children)
  return el
}

export function svg(tag: string, props?: Props | null, ...children: Child[]): SVGElement {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag)
  applyProps(el, props)
  append(el, children)
  return el
}

/** Replaces the content of `el`. */
export function mount(el: Element, ...children: Child[]): void {
  el.replaceChildren()
  append(el, children)
}
