/**
 * The dual-package case (issue 10, item 3): this CommonJS file gets the manager from the
 * CommonJS build (`require('jwt-extended')`, through ./manager.js) and the Express adapter from
 * the ESM build (a dynamic `import()`, kept as such under `module: node16`). The adapter must
 * find the state the CommonJS manager saved: one request state across both builds.
 */
import { createServer } from 'node:http';
import express from 'express';
import { checkServer, protectedRouteExchanges, run } from './harness.js';
import { jwt, testUser } from './manager.js';

run(async () => {
  const esm = await import('jwt-extended/express');
  const app = express();
  app.get('/protected', esm.jwtRequired(jwt), (req, res) => {
    // The ESM build's getters are typed by the ESM build's Register, which this CommonJS program
    // does not augment: their values are checked at run time only.
    const claims = esm.getJwtClaims(req) as { roles?: unknown };
    const user = esm.getCurrentUser(req) as { username?: unknown } | null;
    res.json({ identity: esm.getJwtIdentity(req), roles: claims.roles, user: user?.username, slot: req.jwt?.identity });
  });
  const token = await jwt.createAccessToken(testUser);
  await checkServer('mixed', createServer(app), protectedRouteExchanges(token));
});
