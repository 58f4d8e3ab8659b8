// The DAG drawing: which nodes are visible (fan-outs and, in very large flows, whole ranks collapse into one
// node with per-phase counts until expanded), their layout by elkjs (ELK's layered algorithm, in its Web
// Worker so the page stays responsive), and the SVG with keyboard navigation.
import { symbol, STEP_PHASES } from './phases.js';

const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 190;
const NODE_H = 46;
/** Above this many nodes, ranks collapse: nobody reads ten thousand boxes, and laying them out takes seconds. */
export const RANK_COLLAPSE_LIMIT = 600;

let elk;
function layoutEngine() {
  if (!elk) {
    elk = new window.ELK({ workerUrl: 'vendor/elkjs/lib/elk-worker.min.js' });
  }
  return elk;
}

/**
 * The visible graph: `model` is `{nodes: [{id, kind, group}], edges: [{from, to, kind}]}` from the server;
 * `expanded` holds ids of collapsed nodes the user opened (`fanout:NAME`, `rank:N`).
 * Returns `{nodes: [{id, kind, label, members}], edges: [{from, to, kind}], owner: Map(step -> node id)}`.
 */
export function visibleGraph(model, expanded, limit = RANK_COLLAPSE_LIMIT) {
  const owner = new Map();
  const nodes = new Map();
  for (const n of model.nodes) {
    const fan = n.group ? `fanout:${n.group}` : null;
    if (fan && !expanded.has(fan)) {
      owner.set(n.id, fan);
      if (!nodes.has(fan)) {
        nodes.set(fan, { id: fan, kind: 'fanout', label: n.group, members: [] });
      }
      nodes.get(fan).members.push(n.id);
    } else {
      owner.set(n.id, n.id);
      nodes.set(n.id, { id: n.id, kind: n.kind, label: n.id, members: [n.id], fanOut: Boolean(n.fanOut) });
    }
  }
  let edges = mapEdges(model.edges, owner);
  if (nodes.size > limit) {
    const rank = ranks([...nodes.keys()], edges);
    const byRank = new Map();
    for (const [id, r] of rank) {
      if (!byRank.has(r)) {
        byRank.set(r, []);
      }
      byRank.get(r).push(id);
    }
    const regroup = new Map();
    for (const [r, ids] of byRank) {
      const key = `rank:${r}`;
      if (ids.length < 2 || expanded.has(key)) {
        continue;
      }
      const group = { id: key, kind: 'rank', label: `rank ${r + 1}`, members: [] };
      for (const id of ids) {
        group.members.push(...nodes.get(id).members);
        regroup.set(id, key);
        nodes.delete(id);
      }
      nodes.set(key, group);
    }
    for (const [step, id] of owner) {
      if (regroup.has(id)) {
        owner.set(step, regroup.get(id));
      }
    }
    edges = mapEdges(model.edges, owner);
  }
  return { nodes: [...nodes.values()], edges, owner, fanOuts: fanOutsOf(model) };
}

/** The ids of the spec's fan-out steps. */
export function fanOutsOf(model) {
  return new Set(model.nodes.filter((n) => n.fanOut).map((n) => n.id));
}

/**
 * The fan-out step a step name is an instance of (`<step>-<index>`), or null. The split is unique: the index is
 * the digits after the last dash, and only a fan-out step of the spec has instances.
 */
export function parentOf(name, fanOuts) {
  const m = /^(.*)-(\d+)$/.exec(name);
  return m && fanOuts.has(m[1]) ? m[1] : null;
}

/** Adds a step name to its fan-out's instances (`instances`: Map(fan-out step -> Set(names))); false if none. */
export function addInstance(instances, name, fanOuts) {
  const parent = parentOf(name, fanOuts);
  if (!parent) {
    return false;
  }
  if (!instances.has(parent)) {
    instances.set(parent, new Set());
  }
  instances.get(parent).add(name);
  return true;
}

function mapEdges(edges, owner) {
  const seen = new Map();
  for (const e of edges) {
    const from = owner.get(e.from);
    const to = owner.get(e.to);
    if (!from || !to || from === to) {
      continue;
    }
    const key = `${from}\u0000${to}\u0000${e.kind}`;
    if (!seen.has(key)) {
      seen.set(key, { from, to, kind: e.kind });
    }
  }
  return [...seen.values()];
}

/** Longest path from a source, per node (Kahn's order): the column a node would sit in. */
function ranks(ids, edges) {
  const indegree = new Map(ids.map((id) => [id, 0]));
  const out = new Map(ids.map((id) => [id, []]));
  for (const e of edges) {
    out.get(e.from).push(e.to);
    indegree.set(e.to, indegree.get(e.to) + 1);
  }
  const rank = new Map();
  const queue = ids.filter((id) => indegree.get(id) === 0);
  queue.forEach((id) => rank.set(id, 0));
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const next of out.get(id)) {
      rank.set(next, Math.max(rank.get(next) ?? 0, rank.get(id) + 1));
      indegree.set(next, indegree.get(next) - 1);
      if (indegree.get(next) === 0) {
        queue.push(next);
      }
    }
  }
  ids.forEach((id) => { if (!rank.has(id)) rank.set(id, 0); });
  return rank;
}

/** Lays the visible graph out with ELK; resolves to `{width, height, nodes: Map(id -> {x,y,w,h}), edges: [...]}`. */
export async function layout(graph) {
  const large = graph.nodes.length > 300;
  const options = {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.spacing.nodeNode': '16',
    'elk.layered.spacing.nodeNodeBetweenLayers': '56',
    'elk.layered.spacing.edgeNodeBetweenLayers': '16',
    ...(large ? {
      'elk.layered.thoroughness': '1',
      'elk.layered.layering.strategy': 'LONGEST_PATH',
      'elk.layered.nodePlacement.strategy': 'SIMPLE',
    } : {}),
  };
  const result = await layoutEngine().layout({
    id: 'root',
    layoutOptions: options,
    children: graph.nodes.map((n) => ({ id: n.id, width: NODE_W, height: NODE_H })),
    edges: graph.edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  });
  const nodes = new Map(result.children.map((c) => [c.id, { x: c.x, y: c.y, w: c.width, h: c.height }]));
  const edges = result.edges.map((e, i) => ({ ...graph.edges[i], sections: e.sections || [] }));
  return { width: result.width, height: result.height, nodes, edges };
}

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) {
    node.setAttribute(k, v);
  }
  return node;
}

export function counts(members, steps) {
  const c = {};
  for (const m of members) {
    const phase = steps.get(m)?.phase || 'Pending';
    c[phase] = (c[phase] || 0) + 1;
  }
  return c;
}

/** The phase a collapsed node shows: the most urgent of its members'. */
function groupPhase(c) {
  for (const p of ['Failed', 'Retrying', 'Running', 'Cancelled', 'Pending', 'Skipped', 'Succeeded']) {
    if (c[p]) {
      return p;
    }
  }
  return 'Pending';
}

/**
 * Draws a laid-out graph into `container`; `steps` is a Map(step name -> status); `instances` is a
 * Map(fan-out step -> Set(instance names)), read at each paint. `onOpen(node)` runs on click, Enter or Space.
 * Returns `{update(stepNames), focus(nodeId), element}`.
 */
export function draw(container, graph, placed, steps, onOpen, instances = new Map()) {
  const root = svg('svg', {
    class: 'dag', role: 'group', 'aria-label': 'flow graph: arrow keys move between steps, Enter opens one',
    viewBox: `0 0 ${Math.max(placed.width, 1)} ${Math.max(placed.height, 1)}`,
    width: placed.width, height: placed.height,
  });
  const defs = svg('defs');
  for (const kind of ['dependency', 'finally', 'conditional']) {
    const marker = svg('marker', { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 10, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', class: `arrow kind-${kind}` });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }));
    defs.append(marker);
  }
  root.append(defs);
  const edgeLayer = svg('g', { class: 'edges' });
  for (const e of placed.edges) {
    let d = '';
    for (const s of e.sections) {
      d += `M${s.startPoint.x},${s.startPoint.y}`;
      for (const b of s.bendPoints || []) {
        d += `L${b.x},${b.y}`;
      }
      d += `L${s.endPoint.x},${s.endPoint.y}`;
    }
    const path = svg('path', { d, class: `edge kind-${e.kind}`, 'marker-end': `url(#arrow-${e.kind})`,
      'data-from': e.from, 'data-to': e.to });
    edgeLayer.append(path);
  }
  root.append(edgeLayer);
  const nodeLayer = svg('g', { class: 'nodes' });
  const elements = new Map();
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const n of graph.nodes) {
    const p = placed.nodes.get(n.id);
    const g = svg('g', { class: 'node', transform: `translate(${p.x},${p.y})`, tabindex: '-1', role: 'button',
      'data-node': n.id, 'data-kind': n.kind });
    g.addEventListener('click', () => onOpen(n));
    g.addEventListener('focus', () => { current = n.id; });
    elements.set(n.id, g);
    paint(g, n, steps, instances);
    nodeLayer.append(g);
  }
  root.append(nodeLayer);
  container.replaceChildren(root);

  const successors = new Map(graph.nodes.map((n) => [n.id, []]));
  const predecessors = new Map(graph.nodes.map((n) => [n.id, []]));
  for (const e of graph.edges) {
    successors.get(e.from)?.push(e.to);
    predecessors.get(e.to)?.push(e.from);
  }
  const order = [...graph.nodes].sort((a, b) => placed.nodes.get(a.id).x - placed.nodes.get(b.id).x
    || placed.nodes.get(a.id).y - placed.nodes.get(b.id).y).map((n) => n.id);
  let current = order[0];
  if (current) {
    elements.get(current).setAttribute('tabindex', '0');
  }

  function focus(id) {
    if (!elements.has(id)) {
      return;
    }
    elements.get(current)?.setAttribute('tabindex', '-1');
    current = id;
    const g = elements.get(id);
    g.setAttribute('tabindex', '0');
    g.focus();
  }

  /** The nearest node in a direction: along the flow (successors/predecessors), else by position. */
  function neighbour(id, key) {
    const here = placed.nodes.get(id);
    if (key === 'ArrowRight' && successors.get(id).length) {
      return nearestOf(successors.get(id), here);
    }
    if (key === 'ArrowLeft' && predecessors.get(id).length) {
      return nearestOf(predecessors.get(id), here);
    }
    const dir = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] }[key];
    let best = null;
    let bestScore = Infinity;
    for (const [other, p] of placed.nodes) {
      const dx = p.x - here.x;
      const dy = p.y - here.y;
      const along = dx * dir[0] + dy * dir[1];
      if (other === id || along <= 0) {
        continue;
      }
      const score = along + 3 * Math.abs(dx * dir[1] + dy * dir[0]);
      if (score < bestScore) {
        bestScore = score;
        best = other;
      }
    }
    return best;
  }

  function nearestOf(ids, here) {
    return ids.reduce((best, id) => {
      const p = placed.nodes.get(id);
      const d = Math.abs(p.y - here.y);
      return best === null || d < best.d ? { id, d } : best;
    }, null).id;
  }

  root.addEventListener('keydown', (e) => {
    if (['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown'].includes(e.key)) {
      const next = neighbour(current, e.key);
      if (next) {
        focus(next);
      }
      e.preventDefault();
    } else if (e.key === 'Home' || e.key === 'End') {
      focus(e.key === 'Home' ? order[0] : order[order.length - 1]);
      e.preventDefault();
    } else if (e.key === 'Enter' || e.key === ' ') {
      onOpen(byId.get(current));
      e.preventDefault();
    }
  });

  return {
    element: root,
    focus,
    /** Repaints the nodes that show these steps. */
    update(stepNames) {
      const ids = new Set(stepNames.map((s) => graph.owner.get(s) ?? graph.owner.get(parentOf(s, graph.fanOuts)))
        .filter(Boolean));
      for (const id of ids) {
        paint(elements.get(id), byId.get(id), steps, instances);
      }
    },
  };
}

function paint(g, n, steps, instances) {
  let phase;
  let state;
  let label;
  const members = n.fanOut ? instances.get(n.id) : null;
  if (members && members.size) {
    // A fan-out step of the spec: its own phase, its instances as counts (they are never nodes: there may be
    // 100,000 of them). Enter opens the list of instances.
    const c = counts(members, steps);
    phase = (steps.get(n.id) || {}).phase || groupPhase(c);
    const present = STEP_PHASES.filter((p) => c[p]);
    state = present.map((p) => `${symbol(p)}${c[p]}`).join(' ');
    label = `${n.id} · ${members.size} instances`;
    g.setAttribute('aria-label', `fan-out step ${n.id}: ${phase}, ${members.size} instances: `
      + `${present.map((p) => `${c[p]} ${p}`).join(', ')}. Enter lists them.`);
  } else if (n.kind === 'fanout' || n.kind === 'rank') {
    const c = counts(n.members, steps);
    phase = groupPhase(c);
    const present = STEP_PHASES.filter((p) => c[p]);
    // Words when they fit (one phase), symbols and counts otherwise; the accessible name always has the words.
    state = present.length === 1 ? `${symbol(present[0])} ${c[present[0]]} ${present[0]}`
      : present.map((p) => `${symbol(p)}${c[p]}`).join(' ');
    label = `${n.label} · ${n.members.length} steps`;
    g.setAttribute('aria-label', `${label}, collapsed: ${STEP_PHASES.filter((p) => c[p]).map((p) => `${c[p]} ${p}`).join(', ')}`
      + '. Enter expands.');
  } else {
    const s = steps.get(n.id) || { phase: 'Pending', attempts: 0 };
    phase = s.phase;
    state = `${symbol(phase)} ${phase}${s.attempts > 1 ? ` · attempt ${s.attempts}` : ''}`;
    label = n.id;
    g.setAttribute('aria-label', `${n.kind === 'finally' ? 'finally step' : 'step'} ${n.id}: ${phase}`
      + (s.attempts ? `, ${s.attempts} attempt${s.attempts > 1 ? 's' : ''}` : ''));
  }
  g.setAttribute('class', `node phase-${phase} kind-${n.kind}${n.fanOut ? ' fan-out' : ''}`);
  g.setAttribute('data-phase', phase);
  const rect = svg('rect', { width: NODE_W, height: NODE_H, rx: 6 });
  const back = n.kind === 'fanout' || n.kind === 'rank' || n.fanOut
    ? svg('rect', { class: 'stack', x: 4, y: -4, width: NODE_W, height: NODE_H, rx: 6 }) : null;
  const name = svg('text', { class: 'name', x: 10, y: 18 });
  name.textContent = label.length > 26 ? `${label.slice(0, 25)}…` : label;
  const title = svg('title');
  title.textContent = label;
  const text = svg('text', { class: 'state', x: 10, y: 36 });
  text.textContent = state + (n.kind === 'finally' ? '  · finally' : '');
  g.replaceChildren(...[back, rect, name, text, title].filter(Boolean));
}
