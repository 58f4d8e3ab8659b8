// Calls to /ui/api with the user's bearer token (kept for this tab only), and Server-Sent Events read with
// fetch, which, unlike EventSource, can send the Authorization header.
const TOKEN_KEY = 'jobflow.token';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

function headers(extra = {}) {
  const h = { ...extra };
  const t = token();
  if (t) {
    h.Authorization = `Bearer ${t}`;
  }
  return h;
}

async function failure(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const doc = await response.json();
    if (doc.message) {
      message = doc.message;
    }
  } catch (e) {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, message);
}

export async function getJson(path) {
  const response = await fetch(`api/${path}`, { headers: headers() });
  if (!response.ok) {
    throw await failure(response);
  }
  return response.json();
}

export async function post(path) {
  const response = await fetch(`api/${path}`, {
    method: 'POST', headers: headers({ 'Content-Type': 'application/json' }), body: '{}',
  });
  if (!response.ok) {
    throw await failure(response);
  }
  return response.json();
}

/** Reads a text body as it arrives: `onText(chunk)` per chunk; resolves when the body ends. */
export async function readText(path, onText, signal) {
  const response = await fetch(`api/${path}`, { headers: headers(), signal });
  if (!response.ok) {
    throw await failure(response);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      onText(decoder.decode());
      return;
    }
    onText(decoder.decode(value, { stream: true }));
  }
}

/**
 * Follows an event stream: `onEvent(name, data)` for each event. When the stream ends (the server closes streams
 * now and then, so permissions are checked again) it reconnects, and the server starts it with a fresh snapshot.
 * `onError(error)` hears refusals (401, 403, 404), which end it. Returns a function that stops it.
 */
export function follow(path, onEvent, onError) {
  const control = new AbortController();
  let buffer = '';
  const dispatch = (frame) => {
    let event = 'message';
    const data = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) {
        event = line.slice(6).trim();
      } else if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    }
    if (data.length) {
      onEvent(event, JSON.parse(data.join('\n')));
    }
  };
  const run = async () => {
    while (!control.signal.aborted) {
      try {
        await readText(path, (text) => {
          buffer += text;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }, control.signal);
      } catch (e) {
        if (control.signal.aborted) {
          return;
        }
        if (e instanceof ApiError && e.status !== 503) {
          onError(e);
          return;
        }
      }
      buffer = '';
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  run();
  return () => control.abort();
}
