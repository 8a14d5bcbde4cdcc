// Dead letters of a queue: payload, error, attempts; replay (deliverable again) or delete for good.
import { get, post, del } from './api.js';
import { el, button, time, replaceRows } from './dom.js';

const select = () => document.querySelector('#dead-letters-queue');

async function fillQueues() {
  const { queues } = await get('/api/queues');
  const chosen = select().value || new URLSearchParams(location.hash.split('?')[1]).get('queue');
  // queues with dead letters first, then the others
  const ordered = [...queues].sort((a, b) => (b.deadLettered > 0) - (a.deadLettered > 0) || a.name.localeCompare(b.name));
  select().replaceChildren(...ordered.map((q) =>
    el('option', { value: q.name, selected: q.name === chosen }, `${q.name} (${q.deadLettered})`)));
}

export async function refresh(act) {
  await fillQueues();
  const queue = select().value;
  if (!queue) return;
  const path = `/api/queues/${encodeURIComponent(queue)}/dead-letters`;
  const { deadLetters } = await get(path);
  document.querySelector('#dead-letters-empty').hidden = deadLetters.length > 0;
  replaceRows(document.querySelector('#dead-letters-table tbody'), deadLetters.map((d) =>
    el('tr', { 'data-message': d.id },
      el('td', { class: 'num' }, d.id),
      el('td', {}, el('pre', {}, JSON.stringify(d.payload, null, 2))),
      el('td', { class: 'error-text' }, d.error || ''),
      el('td', { class: 'num' }, d.attempts),
      el('td', {}, time(d.deadLetteredAt)),
      el('td', {},
        button('Replay', 'replay', () => act(`replayed message ${d.id}`, () => post(`${path}/${d.id}/replay`))),
        button('Delete', 'delete', () => {
          if (confirm(`Delete message ${d.id} of ${queue} for good?`)) {
            act(`deleted message ${d.id}`, () => del(`${path}/${d.id}`));
          }
        }, { class: 'danger' })))));
}

export function init(reload) {
  select().addEventListener('change', reload);
}
