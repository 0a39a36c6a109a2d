/**
 * Every token made by the real flask-jwt-extended 4.7.1 (test/fixtures/fje-4.7.1-tokens.json), sent
 * as `Authorization: Bearer` to the three fixture endpoints of every framework's app, answers what
 * flask answered. test/core/fixtures.test.ts proves the core; this proves the adapters.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { JwtManager, type JwtManagerOptions } from '../../src/index.js';
import { type TokenCase, optionsFromFlaskConfig, seedLoaders, tokenFixtures } from '../helpers/fixtures.js';
import type { TestApp } from './app-contract.js';
import { FRAMEWORKS } from './frameworks.js';
import { send } from './http.js';

/** flask's three routes and the contract's paths for them. */
const ROUTES = {
  'jwt_required()': '/protected',
  'jwt_required(fresh=True)': '/fresh',
  'jwt_required(refresh=True)': '/refresh',
} as const;

/** The options of the app that made the case (real clock: valid cases hold until about 2126). */
function optionsFor(c: TokenCase): JwtManagerOptions {
  const options = optionsFromFlaskConfig(c.config, tokenFixtures.keys[c.key] ?? {});
  // PyJWT 2.6 did not check `sub`; jwt-extended follows PyJWT >= 2.10 unless told otherwise.
  if (c.name === 'integer-identity') options.verifySub = false;
  return { ...options, ...(c.loaders ? seedLoaders : {}) } as JwtManagerOptions;
}

/** Cases that need the same manager share one app. */
function appKey(c: TokenCase): string {
  return JSON.stringify([c.config, c.key, c.loaders !== null, c.name === 'integer-identity']);
}

it('covers all 45 cases', () => {
  expect(tokenFixtures.cases).toHaveLength(45);
});

for (const framework of FRAMEWORKS) {
  describe(framework.name, () => {
    const apps = new Map<string, Promise<TestApp>>();
    const appFor = (c: TokenCase): Promise<TestApp> => {
      const key = appKey(c);
      let app = apps.get(key);
      if (app === undefined) {
        app = framework.factory(new JwtManager({ ...optionsFor(c), ...framework.managerOptions }));
        apps.set(key, app);
      }
      return app;
    };
    afterAll(async () => {
      for (const app of apps.values()) await (await app).close();
    });

    for (const c of tokenFixtures.cases) {
      it(c.name, async () => {
        const app = await appFor(c);
        for (const [route, path] of Object.entries(ROUTES)) {
          const expected = c.expect.endpoints[route as keyof typeof ROUTES];
          const response = await send(app.baseUrl, { path, headers: { authorization: `Bearer ${c.token}` } });
          // flask's fixture view answered `{"identity": ...}`; the contract's view answers more.
          const body =
            response.status === 200 ? { identity: (response.json as { identity: unknown }).identity } : response.json;
          expect({ route, status: response.status, body }).toEqual({ route, ...expected });
        }
      });
    }
  });
}
