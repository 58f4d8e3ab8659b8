// The flows list: namespace and phase filters, name search, live over the controller's event stream.
import { follow } from './api.js';
import { between, el, since } from './dom.js';
import { FLOW_PHASES, badge } from './phases.js';

const filters = { namespace: '', phase: '', search: '' };

export function showFlows({ main, refused }) {
  const rows = new Map();
  const nsSelect = el('select', { id: 'f-namespace', onchange: (e) => { filters.namespace = e.target.value; render(); } });
  const phaseSelect = el('select', { id: 'f-phase', onchange: (e) => { filters.phase = e.target.value; render(); } },
    el('option', { value: '' }, 'all phases'), FLOW_PHASES.map((p) => el('option', { value: p }, p)));
  phaseSelect.value = filters.phase;
  const search = el('input', { id: 'f-search', type: 'search', placeholder: 'name contains…', value: filters.search,
    oninput: (e) => { filters.search = e.target.value; render(); } });
  const body = el('tbody');
  const count = el('p', { class: 'muted', id: 'flow-count' });
  main.append(el('h1', {}, 'Flows'),
    el('div', { class: 'filters', role: 'search' },
      el('label', { for: 'f-namespace' }, 'Namespace'), nsSelect,
      el('label', { for: 'f-phase' }, 'Phase'), phaseSelect,
      el('label', { for: 'f-search' }, 'Name'), search),
    count,
    el('table', { class: 'flows' },
      el('thead', {}, el('tr', {}, ['Name', 'Namespace', 'Phase', 'Progress', 'Age', 'Duration']
        .map((h) => el('th', { scope: 'col' }, h)))),
      body));

  function namespaces() {
    const all = [...new Set([...rows.values()].map((r) => r.namespace))].sort();
    const current = filters.namespace;
    nsSelect.replaceChildren(el('option', { value: '' }, 'all namespaces'),
      all.map((n) => el('option', { value: n }, n)));
    nsSelect.value = all.includes(current) ? current : '';
  }

  function render() {
    // Live updates rebuild the rows: keep the keyboard where it was.
    const focused = document.activeElement?.closest?.('tr[data-flow]')?.dataset.flow;
    const now = Date.now();
    const shown = [...rows.values()]
      .filter((r) => !filters.namespace || r.namespace === filters.namespace)
      .filter((r) => !filters.phase || r.phase === filters.phase)
      .filter((r) => !filters.search || r.name.includes(filters.search))
      .sort((a, b) => (b.createdAt || b.startedAt || '').localeCompare(a.createdAt || a.startedAt || '')
        || a.name.localeCompare(b.name));
    body.replaceChildren(...shown.map((r) => {
      const pct = r.totalSteps ? Math.round((100 * r.finishedSteps) / r.totalSteps) : 0;
      return el('tr', { 'data-flow': `${r.namespace}/${r.name}`, 'data-phase': r.phase },
        el('td', {}, el('a', { href: `#/flows/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.name)}` }, r.name)),
        el('td', {}, r.namespace),
        el('td', {}, badge(r.phase)),
        el('td', {}, el('progress', { max: 100, value: pct, 'aria-label': `progress ${r.progress}` }), ` ${r.progress}`),
        el('td', {}, since(r.createdAt || r.startedAt, now)),
        el('td', {}, between(r.startedAt, r.finishedAt, now)));
    }));
    count.textContent = `${shown.length} of ${rows.size} flows`;
    if (focused) {
      body.querySelector(`tr[data-flow="${CSS.escape(focused)}"] a`)?.focus();
    }
  }

  const stop = follow('flows/stream', (event, data) => {
    if (event === 'snapshot') {
      rows.clear();
      data.flows.forEach((r) => rows.set(r.uid, r));
    } else if (event === 'flow') {
      const old = rows.get(data.uid);
      if (!old || old.version < data.version) {
        rows.set(data.uid, { ...old, ...data });
      }
    } else if (event === 'removed') {
      rows.delete(data.uid);
    }
    namespaces();
    render();
  }, (e) => {
    if (!refused(e)) {
      main.append(el('p', { class: 'error', role: 'alert' }, e.message));
    }
  });
  const ticker = setInterval(render, 5000);
  return () => {
    stop();
    clearInterval(ticker);
  };
}
