/**
 * Runs every row of scenarios.ts against every framework of frameworks.ts over real HTTP: one app
 * per configuration and framework, built on first use and reused by the rows that share it.
 */
import { readdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JwtConfigError, JwtManager } from '../../src/index.js';
import type { TestApp } from './app-contract.js';
import { FRAMEWORKS, type Framework, isFrameworkAppFile } from './frameworks.js';
import { send } from './http.js';
import { type ConfigName, SCENARIOS, STARTUP_SCENARIOS, type Scenario, createManager, tokenKit } from './scenarios.js';

describe('the table', () => {
  it('has unique ids and covers every §4.1 row that is an HTTP exchange', () => {
    const ids = SCENARIOS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const rows = new Set([...SCENARIOS, ...STARTUP_SCENARIOS].map((s) => s.row));
    const missing = Array.from({ length: 65 }, (_, i) => i + 1).filter((row) => !rows.has(row));
    expect(missing).toEqual([]);
  });

  it('runs against every app file in apps/', () => {
    const files = readdirSync(new URL('./apps/', import.meta.url)).filter(isFrameworkAppFile);
    expect(FRAMEWORKS.map((f) => f.file).sort()).toEqual(files.sort());
  });

  it('overrides only rows that exist', () => {
    const ids = new Set(SCENARIOS.map((s) => s.id));
    const stale = FRAMEWORKS.flatMap((f) => Object.keys(f.overrides ?? {}).filter((id) => !ids.has(id)));
    expect(stale).toEqual([]);
  });
});

describe('§4.1 rows 62–63: refused at start-up, not a 500 per request', () => {
  for (const s of STARTUP_SCENARIOS) {
    it(`${s.id} ${s.title}`, () => {
      const create = () => new JwtManager(s.options);
      expect(create).toThrow(JwtConfigError);
      expect(create).toThrow(s.message);
    });
  }
});

/** Apps of one framework, one per configuration, started on first use. */
function appPool(framework: Framework) {
  const apps = new Map<ConfigName, Promise<{ app: TestApp; jwt: JwtManager }>>();
  return {
    get(config: ConfigName) {
      let entry = apps.get(config);
      if (entry === undefined) {
        const jwt = createManager(config, framework.managerOptions);
        entry = framework.factory(jwt).then((app) => ({ app, jwt }));
        apps.set(config, entry);
      }
      return entry;
    },
    async closeAll() {
      const started = await Promise.allSettled(apps.values());
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.app.close() : undefined)));
    },
  };
}

async function run(pool: ReturnType<typeof appPool>, scenario: Scenario) {
  const { app, jwt } = await pool.get(scenario.config);
  const tokens = scenario.tokens ? await scenario.tokens(tokenKit(jwt)) : {};
  const expected = typeof scenario.expect === 'function' ? scenario.expect(tokens) : scenario.expect;
  const response = await send(app.baseUrl, scenario.request(tokens));
  const actual: Record<string, unknown> = { status: response.status };
  if (expected.body !== undefined) actual.body = response.json;
  if (expected.text !== undefined) actual.text = response.text;
  if (expected.setCookie !== undefined) actual.setCookie = response.setCookie;
  if (expected.headers !== undefined) {
    actual.headers = Object.fromEntries(Object.keys(expected.headers).map((name) => [name, response.headers[name]]));
  }
  expect(actual).toEqual(expected);
}

for (const framework of FRAMEWORKS) {
  describe(framework.name, () => {
    const pool = appPool(framework);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    beforeAll(() => {
      process.on('unhandledRejection', onUnhandled);
    });
    afterAll(async () => {
      process.off('unhandledRejection', onUnhandled);
      await pool.closeAll();
    });
    afterEach(() => {
      // A callback's error must reach the framework's error handling, never float away.
      expect(unhandled).toEqual([]);
    });

    for (const scenario of SCENARIOS) {
      const label = scenario.row === null ? scenario.title : `§4.1 #${scenario.row}: ${scenario.title}`;
      const override = framework.overrides?.[scenario.id];
      if (override === undefined) it(`${scenario.id} ${label}`, () => run(pool, scenario));
      // A row that cannot be sent on this platform: the test proves the reason instead (web-standard.ts).
      else if ('notApplicable' in override)
        it(`${scenario.id} ${label} (does not apply: ${override.why})`, override.notApplicable);
      else it(`${scenario.id} ${label} (${override.why})`, () => run(pool, { ...scenario, expect: override.expect }));
    }
  });
}
