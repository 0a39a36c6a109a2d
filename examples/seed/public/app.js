// The page's client: plain browser JavaScript, no build step, no framework. The JWTs live in
// HttpOnly cookies this script cannot read; it reads only the CSRF cookies and copies them into the
// X-CSRF-TOKEN header of every POST (flask-jwt-extended's double submit). Everything it writes to
// the page goes through textContent, never innerHTML.

const $ = (id) => document.getElementById(id);

/** flask-jwt-extended's messages, as a person reads them. */
const MESSAGES = {
  'Bad username or password': 'Wrong username or password.',
  'Token has been revoked': 'Your session has ended: you logged out here or on another device.',
  'Token has expired': 'Your session has expired. Please log in again.',
  'Missing CSRF token': 'The security check (CSRF) failed. Reload the page and try again.',
  'CSRF double submit tokens do not match': 'The security check (CSRF) failed. Reload the page and try again.',
  'Fresh token required': 'Please confirm your password first.',
};

/** Answers after which this page no longer has a session. */
const SESSION_ENDING = new Set(['Token has been revoked', 'Token has expired', 'Signature verification failed']);

/** A sentence for an answer of the server. */
function readable({ status, data }) {
  const msg = typeof data.msg === 'string' ? data.msg : '';
  if (status === 0) return 'The server cannot be reached. Is it still running?';
  if (msg.startsWith('Missing cookie')) return 'You are not logged in (or your session cookies were deleted).';
  if (msg.startsWith('Error loading the user')) return 'Your account no longer exists.';
  return MESSAGES[msg] ?? (msg || `The server answered with status ${status}.`);
}

function cookie(name) {
  const pair = document.cookie.split('; ').find((entry) => entry.startsWith(`${name}=`));
  return pair === undefined ? undefined : decodeURIComponent(pair.slice(name.length + 1));
}

/** One request to the server; `status` 0 when it could not be reached. */
async function call(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  // /refresh is checked against the refresh token's CSRF value, every other POST against the access token's.
  const csrf = cookie(path === '/refresh' ? 'csrf_refresh_token' : 'csrf_access_token');
  if (method !== 'GET' && csrf !== undefined) headers['X-CSRF-TOKEN'] = csrf;
  try {
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    const data = await response.json().catch(() => ({}));
    return { status: response.status, data };
  } catch {
    return { status: 0, data: {} };
  }
}

// ---- Implicit refresh: a timer refreshes the access token before it expires ----

let refreshTimer;
let countdownTimer;
let refreshCount = 0;
let refreshing = null;

/** POST /refresh with the refresh cookie: a new access cookie. One at a time. */
function refresh() {
  refreshing ??= call('POST', '/refresh').then((answer) => {
    refreshing = null;
    if (answer.status === 200) refreshCount += 1;
    else endSession(readable(answer));
    return answer.status === 200;
  });
  return refreshing;
}

/** Refreshes when three quarters of the token's life are gone, at most a minute before it expires. */
function scheduleRefresh(expiresIn) {
  clearTimeout(refreshTimer);
  if (typeof expiresIn !== 'number') return;
  const lead = Math.min(60, expiresIn / 4);
  refreshTimer = setTimeout(
    async () => {
      if (await refresh()) await loadSession();
    },
    Math.max(0, expiresIn - lead) * 1000,
  );
}

/**
 * A request that needs the session. If the access token expired anyway (a sleeping laptop, a
 * throttled background tab), refresh once and try again.
 */
async function authed(method, path, body) {
  const answer = await call(method, path, body);
  if (answer.status === 401 && answer.data.msg === 'Token has expired' && (await refresh())) {
    return call(method, path, body);
  }
  return answer;
}

// ---- What the page shows ----

function notice(text, kind = 'error') {
  const element = $('notice');
  element.textContent = text;
  element.className = `notice ${kind}`;
  element.hidden = text === '';
}

function showLogin() {
  clearTimeout(refreshTimer);
  clearInterval(countdownTimer);
  $('session-view').hidden = true;
  $('login-view').hidden = false;
  $('api-key').hidden = true;
  $('confirm-form').hidden = true;
  $('login-form').elements.password.value = '';
}

function endSession(message, kind = 'error') {
  showLogin();
  notice(message, kind);
}

function formatSeconds(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

function showSession(session) {
  $('login-view').hidden = true;
  $('session-view').hidden = false;
  $('display-name').textContent = session.current_user.display_name;
  $('identity').textContent = JSON.stringify(session.current_identity);
  $('roles').textContent = JSON.stringify(session.current_roles);
  $('current-user').textContent = JSON.stringify(session.current_user);
  $('freshness').textContent = session.fresh ? 'fresh' : 'not fresh';
  $('refresh-count').textContent = String(refreshCount);
  const expiresAt = Date.now() + session.access_expires_in * 1000;
  const tick = () => ($('expires-in').textContent = formatSeconds((expiresAt - Date.now()) / 1000));
  tick();
  clearInterval(countdownTimer);
  countdownTimer = setInterval(tick, 1000);
  scheduleRefresh(session.access_expires_in);
}

/** GET /me: the protected data. Shows the session, or the login form with what went wrong. */
async function loadSession() {
  const answer = await authed('GET', '/me');
  if (answer.status === 200) return showSession(answer.data);
  const notLoggedIn = answer.status === 401 && String(answer.data.msg).startsWith('Missing cookie');
  endSession(notLoggedIn ? '' : readable(answer));
}

/** Shows an error; ends the session when the answer means it is over. */
function failed(answer) {
  if (answer.status === 401 && SESSION_ENDING.has(answer.data.msg)) return endSession(readable(answer));
  notice(readable(answer));
}

// ---- Actions ----

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget.elements;
  const answer = await call('POST', '/login/cookies', { username: form.username.value, password: form.password.value });
  if (answer.status !== 200) return notice(readable(answer));
  notice('');
  await loadSession();
});

$('reload').addEventListener('click', async () => {
  notice('');
  await loadSession();
});

$('logout').addEventListener('click', async () => {
  const answer = await authed('POST', '/logout/cookies');
  if (answer.status !== 200) return failed(answer);
  endSession('You have logged out.', 'info');
});

$('logout-everywhere').addEventListener('click', async () => {
  const answer = await authed('POST', '/logout/everywhere');
  if (answer.status !== 200) return failed(answer);
  endSession('You have logged out on every device and browser.', 'info');
});

async function revealKey() {
  const answer = await authed('POST', '/account/api-key');
  if (answer.status === 200) {
    $('confirm-form').hidden = true;
    $('api-key').textContent = answer.data.api_key;
    $('api-key').hidden = false;
    return;
  }
  if (answer.status === 401 && answer.data.msg === 'Fresh token required') {
    $('confirm-form').hidden = false;
    $('confirm-form').elements.password.focus();
    return notice(readable(answer), 'info');
  }
  failed(answer);
}

$('reveal-key').addEventListener('click', () => {
  notice('');
  return revealKey();
});

$('confirm-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const field = event.currentTarget.elements.password;
  // A refresh landing after the fresh login would replace the fresh token with a refreshed one:
  // let a running refresh finish, and hold the timer until the action is done.
  clearTimeout(refreshTimer);
  await refreshing;
  const answer = await authed('POST', '/login/fresh', { password: field.value });
  field.value = '';
  if (answer.status === 200) {
    notice('');
    await revealKey();
  } else if (answer.status === 401 && answer.data.msg === 'Bad username or password') {
    notice('Wrong password.');
  } else {
    failed(answer);
  }
  // Restarts the refresh timer held above, if the session goes on.
  if (!$('session-view').hidden) await loadSession();
});

$('confirm-cancel').addEventListener('click', () => {
  $('confirm-form').hidden = true;
  notice('');
});

// ---- Start ----

/** GET /about's framework names, as their projects write them. */
const FRAMEWORK_NAMES = {
  express: 'Express',
  fastify: 'Fastify',
  hono: 'Hono',
  koa: 'Koa',
  nestjs: 'NestJS (Express)',
  'nestjs-fastify': 'NestJS (Fastify)',
};

const about = await call('GET', '/about');
if (about.status === 200) {
  const name = String(about.data.framework);
  $('framework').textContent = FRAMEWORK_NAMES[name] ?? name;
  $('store').textContent = about.data.store === 'redis' ? 'Redis' : 'memory';
  const account = about.data.demo_account;
  if (account) {
    $('demo-username').textContent = account.username;
    $('demo-password').textContent = account.password;
    $('demo-account').hidden = false;
  }
}
await loadSession();
