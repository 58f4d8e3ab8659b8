// The panel of a fan-out step: its instances' counts per phase, and the instances themselves, the ones that
// need a look first (failed, retrying, running), filtered by phase and capped, since a step may have 100,000.
import { el } from './dom.js';
import { badge, symbol, STEP_PHASES } from './phases.js';
import { counts } from './graph.js';

/** How many instances the list shows at once; the rest are counted, and the CLI or the audit shows every one. */
export const LIST_LIMIT = 200;

/** The order instances are listed in: what needs attention first. */
const URGENCY = ['Failed', 'Retrying', 'Running', 'Cancelled', 'Pending', 'Skipped', 'Succeeded'];

/**
 * The instances to list: those in `phase` (all when null), most urgent phase first, then by index; at most `limit`.
 * Returns `{shown: [names], matching: n}`.
 */
export function instancesToList(names, steps, phase, limit = LIST_LIMIT) {
  const rank = (n) => URGENCY.indexOf((steps.get(n) || {}).phase || 'Pending');
  const index = (n) => Number(n.slice(n.lastIndexOf('-') + 1));
  const matching = [...names].filter((n) => !phase || ((steps.get(n) || {}).phase || 'Pending') === phase);
  matching.sort((a, b) => rank(a) - rank(b) || index(a) - index(b));
  return { shown: matching.slice(0, limit), matching: matching.length };
}

export function showFanOut(panel, { step, instances, steps, open, close }) {
  panel.cleanup?.();
  let phase = null;
  const header = el('div', { class: 'panel-head' });
  const filters = el('div', { class: 'filters', role: 'toolbar', 'aria-label': 'show instances in phase' });
  const list = el('ol', { class: 'instances', id: 'instance-list' });
  const more = el('p', { class: 'muted', id: 'instance-more' });
  const closeButton = el('button', { type: 'button', class: 'close', onclick: close, 'aria-label': 'close step panel' }, '×');
  panel.replaceChildren(closeButton, header, filters, list, more);
  panel.onkeydown = (e) => {
    if (e.key === 'Escape') {
      close();
    }
  };

  function render() {
    const names = instances() || new Set();
    const c = counts(names, steps);
    header.replaceChildren(el('h2', { id: 'step-name' }, step), badge((steps.get(step) || {}).phase || 'Pending'),
      el('p', { id: 'instance-counts' }, `${names.size} instances: `
        + STEP_PHASES.filter((p) => c[p]).map((p) => `${c[p]} ${p}`).join(', ')));
    filters.replaceChildren(
      el('button', { type: 'button', 'aria-pressed': String(phase === null), onclick: () => { phase = null; render(); } }, 'All'),
      ...STEP_PHASES.filter((p) => c[p]).map((p) => el('button', {
        type: 'button', 'data-phase': p, 'aria-pressed': String(phase === p), onclick: () => { phase = p; render(); },
      }, `${symbol(p)} ${p} ${c[p]}`)));
    const { shown, matching } = instancesToList(names, steps, phase);
    list.replaceChildren(...shown.map((name) => {
      const s = steps.get(name) || { phase: 'Pending' };
      return el('li', { 'data-phase': s.phase },
        el('button', { type: 'button', class: 'link', 'data-instance': name, onclick: () => open(name) }, name),
        ' ', badge(s.phase), s.reason ? el('span', { class: 'muted' }, ` ${s.reason}`) : '');
    }));
    more.textContent = matching > shown.length
      ? `and ${matching - shown.length} more; \`jobflow get\` and the audit tab show every instance` : '';
  }

  const changed = () => render();
  panel.addEventListener('step-changed', changed);
  panel.cleanup = () => {
    panel.removeEventListener('step-changed', changed);
    panel.cleanup = null;
  };
  render();
  closeButton.focus();
}
