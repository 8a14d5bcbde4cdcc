// The dashboard: one page per hash (#queues, #connectors, #dead-letters, #runs), refreshed every few seconds
// and after each action; the status line says when it last read the store, or what failed.
import * as queues from './queues.js';
import * as connectors from './connectors.js';
import * as deadLetters from './dead-letters.js';
import * as runs from './runs.js';

const PAGES = { queues, connectors, 'dead-letters': deadLetters, runs };
const REFRESH_MILLIS = 3000;
const statusLine = document.querySelector('#status');
let timer = null;

function page() {
  const name = location.hash.slice(1).split('?')[0];
  return PAGES[name] ? name : 'queues';
}

function say(text, failed = false) {
  statusLine.textContent = text;
  statusLine.classList.toggle('failed', failed);
}

/** Runs an action (a POST or PUT), says how it went, and reloads the page's data. */
async function act(done, request) {
  try {
    await request();
    say(`${done} · ${new Date().toLocaleTimeString()}`);
  } catch (e) {
    say(e.message, true);
    return;
  }
  await reload(false);
}

async function reload(announce = true) {
  clearTimeout(timer);
  const name = page();
  try {
    await PAGES[name].refresh(act);
    document.body.dataset.loaded = name;
    if (announce) say(`updated ${new Date().toLocaleTimeString()}`);
  } catch (e) {
    say(e.message, true);
  }
  timer = setTimeout(reload, REFRESH_MILLIS);
}

function show() {
  const name = page();
  for (const key of Object.keys(PAGES)) {
    document.querySelector(`#page-${key}`).hidden = key !== name;
    document.querySelector(`nav a[data-page="${key}"]`).classList.toggle('active', key === name);
  }
  delete document.body.dataset.loaded;
  reload();
}

deadLetters.init(() => reload());
runs.init(() => reload());
window.addEventListener('hashchange', show);
show();
