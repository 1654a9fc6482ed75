// mentiora-browser.js 1.0.0
//
// Sends traces to Mentiora from a web page in browser mode: with a key's publishable key (not
// secret, limited to the key's allowed origins) and, for a signed-in end user, an identity token
// that the page's own server signs. The published SDK works in a browser with the publishable key
// passed as `apiKey`, but has no way to send an identity token yet; this module does that.
//
//   import { createMentioraBrowserClient } from 'https://<mentiora>/sdk/mentiora-browser.js?v=1.0.0';
//   const mentiora = createMentioraBrowserClient({
//     publishableKey: 'pk_live_…',
//     baseUrl: 'https://<mentiora>',
//     getIdentityToken: async () => (await (await fetch('/api/mentiora-token')).json()).token,
//   });
//   await mentiora.send({ trace_id, span_id, name, type: 'llm', start_time, … }); // or an array
//
// send() resolves with the API's 202 answer and rejects with a MentioraError whose `code` and
// `message` are the API's (or `network_error`). Like the SDKs it retries 5xx, 429 and network
// errors three times, waiting 0–1 s, 2 s and 4 s (a 429's Retry-After instead), and never retries
// another 4xx. The identity token is asked for once and kept; when the API refuses it
// (401 identity_token_expired or identity_token_invalid) getIdentityToken is called once more and
// the trace sent again with the new token.

/** The version of this module; also the `v` in its URL, so a new version is never served from an old cache. */
export const version = '1.0.0';

const maxRetries = 3;
const timeoutMs = 30000;
const tokenRefusals = ['identity_token_expired', 'identity_token_invalid'];

// The SDKs' schedule: up to a second at random first (so many pages do not retry in step), then 2 s and 4 s.
const retryDelayMs = retry => (retry === 0 ? Math.random() * 1000 : 1000 * 2 ** retry);

/** A refused or failed send: `code` and `message` are the API's error, `status` its HTTP status (0 when no answer came). */
export class MentioraError extends Error {
  constructor(code, message, status, details) {
    super(message);
    this.name = 'MentioraError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/** A client that sends trace events (one or an array) to `${baseUrl}/api/v1/traces`. */
export function createMentioraBrowserClient({ publishableKey, baseUrl, getIdentityToken } = {}) {
  if (!publishableKey) throw new TypeError('publishableKey is required (the pk_live_… key from Settings → API Keys).');
  if (!baseUrl) throw new TypeError('baseUrl is required (the Mentiora server, e.g. https://platform.mentiora.ai).');
  const endpoint = baseUrl.replace(/\/+$/, '') + '/api/v1/traces';
  let pending = null; // the current identity token (a promise), shared by concurrent sends

  function currentToken() {
    if (!getIdentityToken) return undefined;
    // A failed fetch is not kept: the next send asks again.
    pending ??= Promise.resolve().then(() => getIdentityToken()).catch(e => { pending = null; throw e; });
    return pending;
  }

  async function freshToken(refused) {
    // Sends refused with the same token share one new token instead of asking once each.
    const current = pending;
    if (current !== null && (await current.catch(() => null)) === refused && pending === current) pending = null;
    return currentToken();
  }

  async function post(body, identity) {
    const headers = { 'Authorization': 'Bearer ' + publishableKey, 'Content-Type': 'application/json' };
    if (identity) headers['X-Mentiora-Identity-Token'] = identity;
    let response;
    try {
      response = await fetch(endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      return { retry: true, error: new MentioraError('network_error', 'Could not reach Mentiora at ' + endpoint + ': ' + e.message, 0) };
    }
    const answer = await response.json().catch(() => null);
    if (response.ok) return { answer };
    const error = new MentioraError(answer?.error?.code ?? 'http_' + response.status,
      answer?.error?.message ?? 'Mentiora answered ' + response.status + ' ' + response.statusText + '.', response.status, answer?.error?.details);
    // Like the SDKs, only a 429 says how long to wait (in seconds; the API exposes the header to pages).
    const retryAfter = response.status === 429 ? response.headers.get('Retry-After') : null;
    return {
      error,
      retry: response.status >= 500 || response.status === 429,
      retryAfterMs: /^\d+$/.test(retryAfter ?? '') ? Number(retryAfter) * 1000 : undefined,
    };
  }

  /** Sends one trace event or an array of them; resolves with the API's answer or rejects with a MentioraError. */
  async function send(events) {
    const body = JSON.stringify(events);
    let identity = await currentToken();
    let refreshed = false;
    for (let retries = 0; ; ) {
      const result = await post(body, identity);
      if (result.answer !== undefined) return result.answer;
      if (result.error.status === 401 && tokenRefusals.includes(result.error.code) && getIdentityToken && !refreshed) {
        refreshed = true;
        identity = await freshToken(identity);
        continue;
      }
      if (!result.retry || retries === maxRetries) throw result.error;
      const delay = result.retryAfterMs ?? retryDelayMs(retries);
      retries++;
      await new Promise(resolve => setTimeout(resolve, delay));
    }
  }

  return { send };
}
