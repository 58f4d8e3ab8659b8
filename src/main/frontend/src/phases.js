// Every phase has a word and a symbol beside its colour, so it never depends on colour alone.
const SYMBOLS = {
  Pending: '○', Running: '▶', Retrying: '↻', Succeeded: '✓', Failed: '✗', Skipped: '↷', Cancelled: '■',
  Suspended: '‖',
};

export const STEP_PHASES = ['Pending', 'Running', 'Retrying', 'Succeeded', 'Failed', 'Skipped', 'Cancelled'];
export const FLOW_PHASES = ['Pending', 'Running', 'Suspended', 'Succeeded', 'Failed', 'Cancelled'];

export function symbol(phase) {
  return SYMBOLS[phase] || '?';
}

/** A badge: `<span class="phase phase-Running"><span aria-hidden="true">▶</span> Running</span>`. */
export function badge(phase) {
  const span = document.createElement('span');
  span.className = `phase phase-${phase}`;
  const icon = document.createElement('span');
  icon.setAttribute('aria-hidden', 'true');
  icon.textContent = symbol(phase);
  span.append(icon, ` ${phase}`);
  return span;
}
