// The step panel: the step's attempts (from its part of the journal), reason and message, outputs, the log of
// an attempt's Pod (streamed through the API server) and the step's audit lines.
import { getJson, readText } from './api.js';
import { between, el, time_el } from './dom.js';
import { badge } from './phases.js';

const ENDS = { StepSucceeded: 'Succeeded', StepFailed: 'Failed', StepRetryScheduled: 'Failed, retried',
  StepCancelled: 'Cancelled' };

/** Attempts as the journal tells them: StepAttemptStarted opens one, the next end event closes it. */
export function attempts(events) {
  const list = new Map();
  for (const e of events) {
    if (!e.attempt) {
      continue;
    }
    const a = list.get(e.attempt) || { attempt: e.attempt };
    if (e.type === 'StepAttemptStarted') {
      a.startedAt = e.at;
      a.job = e.job;
    } else if (ENDS[e.type]) {
      a.finishedAt = e.at;
      a.outcome = ENDS[e.type];
      a.reason = e.reason;
      a.message = e.message;
      a.job = a.job || e.job;
    }
    list.set(e.attempt, a);
  }
  return [...list.values()].sort((x, y) => x.attempt - y.attempt);
}

/** The time of day, with the full instant on hover. */
function clock(iso) {
  return iso ? el('time', { datetime: iso, title: iso }, iso.slice(11, 19)) : '';
}

export function showStep(panel, { base, step, status, close, fail }) {
  panel.cleanup?.();
  const control = { abort: new AbortController(), job: null };
  const header = el('div', { class: 'panel-head' });
  const details = el('div', { class: 'details' });
  const attemptsBox = el('div', { class: 'attempts' });
  const logBox = el('pre', { class: 'log', id: 'step-log', tabindex: '0', 'aria-label': 'log' });
  const logTitle = el('h3', {}, 'Log');
  const auditBox = el('ol', { class: 'step-audit', id: 'step-audit' });
  const closeButton = el('button', { type: 'button', class: 'close', onclick: close, 'aria-label': 'close step panel' }, '×');
  panel.replaceChildren(closeButton, header, details, el('h3', {}, 'Attempts'), attemptsBox, logTitle, logBox,
    el('h3', {}, 'Audit trail'), auditBox);
  panel.onkeydown = (e) => {
    if (e.key === 'Escape') {
      close();
    }
  };

  function renderStatus() {
    const s = status() || { phase: 'Pending', attempts: 0 };
    header.replaceChildren(el('h2', { id: 'step-name' }, step), badge(s.phase), s.finally ? el('span', { class: 'tag' }, 'finally') : '');
    details.replaceChildren(el('dl', {},
      el('dt', {}, 'Attempts'), el('dd', {}, String(s.attempts || 0)),
      el('dt', {}, 'Job'), el('dd', {}, s.job || '—'),
      el('dt', {}, 'Started'), el('dd', {}, time_el(s.startedAt) || '—'),
      el('dt', {}, 'Finished'), el('dd', {}, time_el(s.finishedAt) || '—'),
      s.nextAttemptAt ? [el('dt', {}, 'Next attempt'), el('dd', {}, time_el(s.nextAttemptAt))] : [],
      el('dt', {}, 'Reason'), el('dd', {}, s.reason || '—'),
      el('dt', {}, 'Message'), el('dd', {}, s.message || '—')),
    s.outputs ? [el('h3', {}, 'Outputs'), el('dl', { class: 'outputs' },
      Object.entries(s.outputs).map(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))]))] : []);
  }

  async function loadAudit() {
    let doc;
    try {
      doc = await getJson(`${base}/audit?step=${encodeURIComponent(step)}`);
    } catch (e) {
      if (e.status === 404) {
        auditBox.replaceChildren(el('li', { class: 'muted' }, 'nothing in the journal yet'));
        return;
      }
      fail(e);
      return;
    }
    const current = doc.flows[doc.flows.length - 1];
    const events = current ? current.events : [];
    auditBox.replaceChildren(...doc.flows.flatMap((f) => f.events.map((e) => el('li', { 'data-type': e.type },
      time_el(e.at), ` ${e.type}`, e.attempt ? ` attempt ${e.attempt}` : '', e.job ? ` (Job ${e.job})` : '',
      e.reason ? ` ${e.reason}` : '', e.message ? `: ${e.message}` : '',
      doc.flows.length > 1 ? el('span', { class: 'muted' }, ` uid ${f.uid}`) : ''))));
    const list = attempts(events);
    attemptsBox.replaceChildren(list.length ? el('table', {},
      el('thead', {}, el('tr', {}, ['#', 'Job', 'Started', 'Finished', 'Took', 'Outcome', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, list.map((a) => el('tr', {},
        el('td', {}, String(a.attempt)), el('td', {}, a.job || ''), el('td', {}, clock(a.startedAt)),
        el('td', {}, clock(a.finishedAt)), el('td', {}, between(a.startedAt, a.finishedAt)),
        el('td', { title: a.message || '' }, a.outcome ? `${a.outcome}${a.reason ? ` (${a.reason})` : ''}` : 'running'),
        el('td', {}, a.job ? el('button', { type: 'button', onclick: () => loadLog(a.job) }, 'Log') : '')))))
      : el('p', { class: 'muted' }, 'no attempt yet'));
    if (!control.job && list.length) {
      loadLog(list[list.length - 1].job);
    }
  }

  async function loadLog(job) {
    control.abort.abort();
    control.abort = new AbortController();
    control.job = job;
    logTitle.textContent = `Log of Job ${job}`;
    logBox.textContent = '';
    try {
      await readText(`${base}/jobs/${encodeURIComponent(job)}/log`, (text) => {
        logBox.textContent += text;
        logBox.scrollTop = logBox.scrollHeight;
      }, control.abort.signal);
    } catch (e) {
      if (e.name !== 'AbortError') {
        logBox.textContent = e.message;
      }
    }
  }

  const changed = () => {
    renderStatus();
    const s = status();
    loadAudit();
    if (s && s.job && s.job !== control.job) {
      loadLog(s.job);
    } else if (s && control.job && s.job === control.job) {
      loadLog(control.job);
    }
  };
  panel.addEventListener('step-changed', changed);
  panel.cleanup = () => {
    panel.removeEventListener('step-changed', changed);
    control.abort.abort();
    panel.cleanup = null;
  };
  renderStatus();
  loadAudit();
  closeButton.focus();
}
