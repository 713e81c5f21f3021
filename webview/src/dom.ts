// Tiny DOM helpers for the timeline renderer. Text always goes in through textContent and
// attributes through setAttribute: names from user code never reach an HTML parser.

export type Child = Node | string | undefined | null | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Position and size set through the CSSOM (allowed under a CSP without 'unsafe-inline'). */
export function place(el: HTMLElement, left: number, width?: number, top?: number, height?: number): void {
  el.style.left = `${left}px`;
  if (width !== undefined) el.style.width = `${width}px`;
  if (top !== undefined) el.style.top = `${top}px`;
  if (height !== undefined) el.style.height = `${height}px`;
}
