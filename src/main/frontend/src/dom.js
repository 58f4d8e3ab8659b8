// Small helpers to build DOM nodes and to show times.

/** `el('a', {href: '#/'}, 'text', child)`: attributes starting with `on` become listeners. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key.startsWith('on')) {
      node.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      node.className = value;
    } else {
      node.setAttribute(key, value === true ? '' : value);
    }
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null));
  return node;
}

export function announce(text) {
  const region = document.getElementById('announce');
  region.textContent = '';
  region.textContent = text;
}

/** 3s, 4m 10s, 2h 5m, 3d 4h. */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms) || ms < 0) {
    return '';
  }
  const s = Math.floor(ms / 1000);
  if (s < 60) {
    return `${s}s`;
  }
  const m = Math.floor(s / 60);
  if (m < 60) {
    return `${m}m ${s % 60}s`;
  }
  const h = Math.floor(m / 60);
  if (h < 24) {
    return `${h}h ${m % 60}m`;
  }
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function since(iso, now = Date.now()) {
  return iso ? duration(now - Date.parse(iso)) : '';
}

export function between(from, to, now = Date.now()) {
  if (!from) {
    return '';
  }
  return duration((to ? Date.parse(to) : now) - Date.parse(from));
}

export function time(iso) {
  return iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

export function time_el(iso) {
  return iso ? el('time', { datetime: iso, title: iso }, time(iso)) : '';
}
