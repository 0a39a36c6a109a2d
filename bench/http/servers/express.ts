/** Express 5: bare, floor, express-jwt, jwt-extended. See common.ts for the protocol. */
import express from 'express';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { expressjwt } from 'express-jwt';
import {
  floorSub,
  host,
  identityOf,
  loadJwtExtended,
  refreshAnswer,
  ready,
  routeOptions,
  secret,
  subOf,
  unavailable,
  variant,
} from './common.js';

const app = express();

if (variant === 'bare') {
  app.get('/p', (_req, res) => {
    res.json({ ok: true });
  });
} else if (variant === 'floor') {
  // Express's own idiom: a route middleware that answers 401 itself or hands `sub` on in res.locals.
  const floor: RequestHandler = (req, res, next) => {
    const sub = floorSub(req.headers.authorization);
    if (sub === undefined) {
      res.status(401).json({ ok: false });
      return;
    }
    res.locals.sub = sub;
    next();
  };
  app.get('/p', floor, (_req, res) => {
    res.json({ ok: true, sub: res.locals.sub as unknown });
  });
} else if (variant === 'usual') {
  app.get('/p', expressjwt({ secret, algorithms: ['HS256'] }), (req, res) => {
    res.json({ ok: true, sub: subOf((req as unknown as { auth?: unknown }).auth) });
  });
} else {
  const { jwt, adapter } = await loadJwtExtended<{ jwtRequired?: (m: unknown, o: unknown) => RequestHandler }>(
    'express',
  );
  if (typeof adapter.jwtRequired !== 'function') unavailable('not built yet (no jwtRequired export)');
  const protect = adapter.jwtRequired(jwt, routeOptions);
  const state = (req: unknown) => (req as { jwt?: unknown }).jwt;
  const handler: RequestHandler =
    variant === 'jwt-extended-refresh'
      ? (req, res, next) => void refreshAnswer(jwt, state(req)).then((body) => res.json(body), next)
      : (req, res) => {
          res.json({ ok: true, sub: identityOf(state(req)) });
        };
  // POST for the cookie + CSRF and refresh rows (CSRF is checked on POST, not GET).
  app.get('/p', protect, handler);
  app.post('/p', protect, handler);
}

const onError: ErrorRequestHandler = (err: { status?: number; statusCode?: number }, _req, res, _next) => {
  res.status(err.status ?? err.statusCode ?? 500).json({ ok: false });
};
app.use(onError);

const server = app.listen(0, host, () => ready(server.address()));
