// The audit tab: the journal's timeline of every flow that had this name, each with its hash-chain verdict.
import { getJson } from './api.js';
import { el, time_el } from './dom.js';

const VERDICT_SYMBOL = { INTACT: '✓', UNCHAINED: '✓' };

export async function showAudit(body, base, fail) {
  body.replaceChildren(el('p', { class: 'muted' }, 'Reading the journal…'));
  let doc;
  try {
    doc = await getJson(`${base}/audit`);
  } catch (e) {
    body.replaceChildren();
    fail(e);
    return;
  }
  body.replaceChildren(el('section', { class: 'audit', id: 'audit' },
    el('p', {}, `${doc.flows.length} flow${doc.flows.length === 1 ? '' : 's'} ran under this name, oldest first.`),
    doc.flows.map((f) => {
      const intact = f.chain.verdict === 'INTACT' || f.chain.verdict === 'UNCHAINED';
      return el('section', { class: 'run', 'data-uid': f.uid },
        el('h2', {}, `uid ${f.uid}`),
        el('p', { class: `verdict ${intact ? 'ok' : 'bad'}`, 'data-verdict': f.chain.verdict },
          el('span', { 'aria-hidden': 'true' }, VERDICT_SYMBOL[f.chain.verdict] || '✗'),
          ` Hash chain ${f.chain.verdict}: ${f.chain.message}`),
        el('p', { class: 'muted' }, `accepted ${f.acceptedAt || '?'} · ${f.events.length} events · head ${f.chain.head || '—'}`),
        el('table', { class: 'timeline' },
          el('thead', {}, el('tr', {}, ['#', 'At', 'Event', 'Step', 'Attempt', 'Job', 'Reason', 'Message', 'Detail']
            .map((h) => el('th', { scope: 'col' }, h)))),
          el('tbody', {}, f.events.map((e) => el('tr', { 'data-type': e.type },
            el('td', {}, String(e.sequenceNr)), el('td', {}, time_el(e.at)), el('td', {}, e.type),
            el('td', {}, e.step || ''), el('td', {}, e.attempt ? String(e.attempt) : ''), el('td', {}, e.job || ''),
            el('td', {}, e.reason || ''), el('td', {}, e.message || ''), el('td', {}, e.detail || ''))))));
    })));
}
