// Queues: depth, oldest pending age and the rates the admin API computes from two reads of the counters.
import { get } from './api.js';
import { el, age, replaceRows } from './dom.js';

const rate = (value) => (value === undefined ? '…' : value.toFixed(2));

export async function refresh() {
  const { queues } = await get('/api/queues');
  replaceRows(document.querySelector('#queues-table tbody'), queues.map((q) =>
    el('tr', { 'data-queue': q.name },
      el('td', {}, q.name),
      el('td', { class: 'num', 'data-field': 'depth' }, q.depth),
      el('td', { class: 'num' }, q.pending),
      el('td', { class: 'num' }, q.leased),
      el('td', { class: 'num' }, q.delayed),
      el('td', { class: 'num', 'data-field': 'deadLettered' }, q.deadLettered),
      el('td', { class: 'num' }, q.archived),
      el('td', { class: 'num' }, age(q.oldestPendingAgeMillis)),
      el('td', { class: 'num', 'data-field': 'enqueuedPerSecond' }, rate(q.enqueuedPerSecond)),
      el('td', { class: 'num', 'data-field': 'settledPerSecond' }, rate(q.settledPerSecond)))));
}
