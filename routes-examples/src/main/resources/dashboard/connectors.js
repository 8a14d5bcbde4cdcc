// Connectors: state per connector and task, pause / resume / restart over the connectors' REST API.
import { get, put, post } from './api.js';
import { el, state, button, replaceRows } from './dom.js';

export async function refresh(act) {
  const expanded = await get('/connectors?expand=status');
  const names = Object.keys(expanded).sort();
  replaceRows(document.querySelector('#connectors-table tbody'), names.map((name) => {
    const status = expanded[name].status;
    const path = `/connectors/${encodeURIComponent(name)}`;
    const tasks = (status.tasks || []).map((t) => el('span', { title: `task ${t.id} on ${t.worker_id}` }, state(t.state), ' '));
    return el('tr', { 'data-connector': name },
      el('td', {}, name),
      el('td', { 'data-field': 'state' }, state(status.connector.state)),
      el('td', {}, tasks),
      el('td', {},
        button('Pause', 'pause', () => act(`paused ${name}`, () => put(`${path}/pause`))),
        button('Resume', 'resume', () => act(`resumed ${name}`, () => put(`${path}/resume`))),
        button('Restart', 'restart', () => act(`restarted ${name}`, () => post(`${path}/restart`)))));
  }));
}
