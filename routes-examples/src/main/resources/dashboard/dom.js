// Small DOM builders: every value from the store goes in as text, never as HTML.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const state = (value) => el('span', { class: `state ${value}` }, value);

export function button(label, action, onclick, extra = {}) {
  return el('button', { type: 'button', 'data-action': action, onclick, ...extra }, label);
}

export function replaceRows(tbody, rows) {
  tbody.replaceChildren(...rows);
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function age(millis) {
  if (millis === undefined || millis === null) return '–';
  const s = millis / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
