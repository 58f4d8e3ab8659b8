// A flow's page: its phase and actions, the live DAG (or the audit tab), and the step panel.
import { follow, getJson, post } from './api.js';
import { announce, between, el } from './dom.js';
import { addInstance, draw, fanOutsOf, layout, parentOf, visibleGraph } from './graph.js';
import { badge } from './phases.js';
import { showAudit } from './audit.js';
import { showStep } from './step.js';
import { showFanOut } from './fanout.js';

const ACTIONS = [
  { name: 'suspend', label: 'Suspend', when: (f) => !f.suspend && !finished(f) },
  { name: 'resume', label: 'Resume', when: (f) => f.suspend && !finished(f) },
  { name: 'stop', label: 'Stop', when: (f) => !finished(f) && !f.shutdown, confirm: 'Stop: start nothing new, let running steps finish, run finally?' },
  { name: 'terminate', label: 'Terminate', when: (f) => !finished(f) && f.shutdown !== 'Terminate', confirm: 'Terminate: stop running steps now and skip finally?' },
];

function finished(f) {
  return ['Succeeded', 'Failed', 'Cancelled'].includes(f.phase);
}

export function showFlow({ main, refused }, namespace, name, tab) {
  const base = `namespaces/${encodeURIComponent(namespace)}/jobflows/${encodeURIComponent(name)}`;
  const link = `#/flows/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  const steps = new Map();
  // Fan-out step -> its instances' names: they are listed in the step's panel, never drawn one by one.
  const instances = new Map();
  let fanOuts = new Set();
  const expanded = new Set();
  let flow = null;
  let version = -1;
  let view = null;
  let graph = null;
  let openStep = null;
  let stopStream = () => {};
  let leaving = false;

  const summary = el('div', { class: 'summary', id: 'flow-summary' });
  const actions = el('div', { class: 'actions', role: 'toolbar', 'aria-label': 'flow actions' });
  const canvas = el('div', { class: 'canvas', id: 'dag' }, el('p', { class: 'muted' }, 'Laying out the graph…'));
  const panel = el('aside', { class: 'panel', id: 'step-panel', hidden: true, 'aria-label': 'step' });
  const tabs = el('div', { class: 'tabs', role: 'tablist' },
    el('a', { role: 'tab', href: link, 'aria-selected': String(tab === 'graph'), id: 'tab-graph' }, 'Graph'),
    el('a', { role: 'tab', href: `${link}/audit`, 'aria-selected': String(tab === 'audit'), id: 'tab-audit' }, 'Audit'));
  const body = el('div', { class: 'flow-body' });
  main.append(el('p', {}, el('a', { href: '#/' }, '← Flows')),
    el('h1', {}, `${namespace}/${name}`), summary, actions, tabs, body);

  function fail(e) {
    if (!refused(e)) {
      main.append(el('p', { class: 'error', role: 'alert' }, e.message));
    }
  }

  function renderSummary() {
    const counts = Object.entries(flow.counts || {}).map(([p, n]) => `${n} ${p}`).join(', ');
    summary.replaceChildren(badge(flow.phase), ` ${flow.progress} steps finished`,
      flow.suspend && flow.phase !== 'Suspended' ? el('span', { class: 'tag' }, 'suspend requested') : '',
      flow.shutdown ? el('span', { class: 'tag' }, `${flow.shutdown} requested`) : '',
      el('span', { class: 'muted' }, counts ? ` · ${counts}` : ''),
      flow.startedAt ? el('span', { class: 'muted' }, ` · running for ${between(flow.startedAt, flow.finishedAt)}`) : '',
      flow.message ? el('p', { class: 'message' }, flow.message) : '');
    // Rebuilt only when the choice changes, so a live update never takes a button from under the pointer or
    // the keyboard focus.
    const available = ACTIONS.filter((a) => a.when(flow));
    const key = available.map((a) => a.name).join(',');
    if (actions.dataset.shown !== key) {
      actions.dataset.shown = key;
      actions.replaceChildren(...available.map((a) => el('button', {
        type: 'button', 'data-action': a.name, onclick: () => act(a),
      }, a.label)));
    }
  }

  async function act(action) {
    if (action.confirm && !window.confirm(action.confirm)) {
      return;
    }
    try {
      const result = await post(`${base}/actions/${action.name}`);
      announce(result.message);
      if (action.name === 'suspend' || action.name === 'resume') {
        flow.suspend = action.name === 'suspend';
      } else {
        flow.shutdown = action.name === 'stop' ? 'Stop' : 'Terminate';
      }
      renderSummary();
    } catch (e) {
      // A refused action leaves the page as it is: reading may still be allowed.
      actions.after(el('p', { class: 'error', role: 'alert' }, e.message));
    }
  }

  async function redraw(focusId) {
    graph = visibleGraph(flow.graph, expanded);
    const placed = await layout(graph);
    if (leaving) {
      return;
    }
    view = draw(canvas, graph, placed, steps, (node) => {
      if (node.kind === 'fanout' || node.kind === 'rank') {
        expanded.add(node.id);
        redraw(node.members[0]);
      } else if (node.fanOut) {
        selectFanOut(node.id);
      } else {
        select(node.id);
      }
    }, instances);
    canvas.dataset.rendered = String(graph.nodes.length);
    if (focusId) {
      view.focus(graph.owner.get(focusId));
    }
    window.jobflowRendered = performance.now();
  }

  function select(stepName) {
    openStep = stepName;
    panel.hidden = false;
    showStep(panel, { base, step: stepName, status: () => steps.get(stepName), close: () => {
      panel.cleanup?.();
      panel.hidden = true;
      openStep = null;
      view?.focus(graph.owner.get(stepName));
    }, fail });
  }

  function selectFanOut(stepName) {
    openStep = stepName;
    panel.hidden = false;
    showFanOut(panel, { step: stepName, instances: () => instances.get(stepName), steps, open: select, close: () => {
      panel.cleanup?.();
      panel.hidden = true;
      openStep = null;
      view?.focus(stepName);
    } });
  }

  function remember(s) {
    steps.set(s.name, s);
    addInstance(instances, s.name, fanOuts);
  }

  function apply(doc, complete) {
    if (complete) {
      steps.clear();
      instances.clear();
    }
    doc.steps.forEach(remember);
    Object.assign(flow, {
      phase: doc.phase, progress: doc.progress, counts: doc.counts, startedAt: doc.startedAt,
      finishedAt: doc.finishedAt, message: doc.message, reason: doc.reason,
    });
    version = doc.version;
    renderSummary();
    if (view) {
      view.update(complete ? [...graph.owner.keys()] : doc.steps.map((s) => s.name));
    }
    if (openStep && doc.steps.some((s) => s.name === openStep || s.name.startsWith(`${openStep}-`))) {
      panel.dispatchEvent(new CustomEvent('step-changed'));
    }
  }

  (async () => {
    try {
      flow = await getJson(base);
    } catch (e) {
      fail(e);
      return;
    }
    fanOuts = fanOutsOf(flow.graph);
    flow.steps.forEach(remember);
    version = flow.version;
    renderSummary();
    if (tab === 'audit') {
      showAudit(body, base, fail);
    } else {
      body.append(el('div', { class: 'graph-tools' },
        el('label', { for: 'find-step' }, 'Find step'),
        el('input', { id: 'find-step', type: 'search', list: 'step-names', onchange: (e) => find(e.target.value) }),
        el('datalist', { id: 'step-names' }, flow.graph.nodes.slice(0, 2000).map((n) => el('option', { value: n.id })))),
      el('div', { class: 'split' }, canvas, panel));
      await redraw();
    }
    stopStream = follow(`${base}/stream`, (event, data) => {
      if (event === 'snapshot') {
        apply(data, true);
      } else if (event === 'update' && data.version > version) {
        apply(data, data.complete);
      } else if (event === 'removed') {
        announce(`${namespace}/${name} was deleted`);
        main.append(el('p', { class: 'error', role: 'alert' }, 'This flow was deleted; its history stays in the audit tab.'));
      }
    }, fail);
  })();

  function openNode(id) {
    if (fanOuts.has(id)) {
      selectFanOut(id);
    } else {
      select(id);
    }
  }

  /** Shows a step of the spec (expanding what hides it) and opens it; an instance opens in its fan-out's place. */
  function find(stepName, open = openNode) {
    if (!flow.graph.nodes.some((n) => n.id === stepName)) {
      const parent = steps.has(stepName) ? parentOf(stepName, fanOuts) : null;
      if (parent) {
        find(parent, () => select(stepName));
      } else {
        announce(`no step ${stepName}`);
      }
      return;
    }
    let owner = graph.owner.get(stepName);
    if (owner === stepName) {
      view.focus(stepName);
      open(stepName);
      return;
    }
    // A fan-out inside a collapsed rank needs two expansions.
    while (owner !== stepName) {
      expanded.add(owner);
      owner = visibleGraph(flow.graph, expanded).owner.get(stepName);
    }
    redraw(stepName).then(() => open(stepName));
  }

  return () => {
    leaving = true;
    stopStream();
    panel.cleanup?.();
  };
}
