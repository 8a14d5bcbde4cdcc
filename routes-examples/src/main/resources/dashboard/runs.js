// Workflow runs filtered by workflow and status, a run's steps (status, attempts, errors), cancel and resume.
import { get, post } from './api.js';
import { el, state, button, time, replaceRows } from './dom.js';

const FINISHED = new Set(['SUCCESS', 'ERROR', 'CANCELLED']);
let selected = null;

const $ = (selector) => document.querySelector(selector);

async function fillWorkflows() {
  const { workflows } = await get('/api/workflows');
  const chosen = $('#runs-workflow').value;
  $('#runs-workflow').replaceChildren(el('option', { value: '' }, 'every workflow'),
    ...workflows.map((w) => el('option', { value: w.name, selected: w.name === chosen }, w.name)));
}

async function showDetails(id) {
  const run = await get(`/api/runs/${id}`);
  $('#run-details').hidden = false;
  $('#run-details-id').textContent = `${run.id} (${run.workflow})`;
  $('#run-details-status').className = `state ${run.status}`;
  $('#run-details-status').textContent = run.status;
  $('#run-details-error').textContent = run.error || '';
  replaceRows($('#steps-table tbody'), run.steps.map((s) =>
    el('tr', { 'data-step': s.name },
      el('td', {}, s.name),
      el('td', {}, state(s.status)),
      el('td', { class: 'num', 'data-field': 'attempts' }, s.attempts),
      el('td', { class: 'error-text' }, s.error || ''),
      el('td', {}, time(s.retryAt)),
      el('td', {}, time(s.completedAt)))));
}

export async function refresh(act) {
  await fillWorkflows();
  const query = new URLSearchParams({ limit: '100' });
  if ($('#runs-workflow').value) query.set('workflow', $('#runs-workflow').value);
  if ($('#runs-status').value) query.set('status', $('#runs-status').value);
  const { runs } = await get(`/api/runs?${query}`);
  $('#runs-empty').hidden = runs.length > 0;
  replaceRows($('#runs-table tbody'), runs.map((r) =>
    el('tr', { 'data-run': r.id, class: r.id === selected ? 'selected' : null },
      el('td', { class: 'num' }, r.id),
      el('td', {}, r.workflow),
      el('td', { 'data-field': 'status' }, state(r.status)),
      el('td', { class: 'error-text' }, r.error || ''),
      el('td', {}, time(r.createdAt)),
      el('td', {},
        button('Steps', 'steps', () => { selected = r.id; showDetails(r.id).then(() => refresh(act)); }),
        FINISHED.has(r.status) ? null
          : button('Cancel', 'cancel', () => act(`cancel requested for run ${r.id}`, () => post(`/api/runs/${r.id}/cancel`)), { class: 'danger' }),
        r.status === 'PAUSED' ? button('Resume', 'resume', () => act(`resumed run ${r.id}`, () => post(`/api/runs/${r.id}/resume`))) : null))));
  if (selected !== null && runs.some((r) => r.id === selected)) {
    await showDetails(selected);
  }
}

export function init(reload) {
  $('#runs-workflow').addEventListener('change', reload);
  $('#runs-status').addEventListener('change', reload);
}
