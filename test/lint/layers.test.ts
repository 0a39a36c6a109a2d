/**
 * The layers' arrows are lint rules (eslint.config.js), and they fail on a deliberate violation:
 * each case lints a small source text as if it were a file of that layer, through ESLint's Node
 * API and the project's own configuration. A control case per layer shows the allowed imports pass.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The messages of the layer rule for `code` placed at `filePath` (the file need not exist). */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('an adapter that imports a core internal fails; the public core and the kit pass', async () => {
    const bad = await layerErrors(
      'src/adapters/violation.ts',
      "import { runPipeline } from '../verify.js';\nexport const x = runPipeline;\n",
    );
    expect(bad).toHaveLength(1);
    expect(bad[0]).toContain('Adapters import the public core');
    const good = await layerErrors(
      'src/adapters/allowed.ts',
      "import { JwtManager } from '../index.js';\nimport { NodeRequestPort } from '../kit/index.js';\nexport const x = [JwtManager, NodeRequestPort];\n",
    );
    expect(good).toEqual([]);
  });

  it('a store that imports the manager or a store-independent internal fails; the ports pass', async () => {
    const bad = await layerErrors(
      'src/stores/violation.ts',
      "import { JwtManager } from '../manager.js';\nimport { createRevocation } from '../revocation.js';\nexport const x = [JwtManager, createRevocation];\n",
    );
    expect(bad).toHaveLength(2);
    const good = await layerErrors(
      'src/stores/allowed.ts',
      "import type { RevocationStore } from '../ports.js';\nimport { JwtConfigError } from '../errors.js';\nexport type S = RevocationStore;\nexport const x = JwtConfigError;\n",
    );
    expect(good).toEqual([]);
  });

  it('the engine that imports the manager, the pipeline or an adapter fails', async () => {
    const bad = await layerErrors(
      'src/jws/violation.ts',
      "import { JwtManager } from '../manager.js';\nimport { runPipeline } from '../verify.js';\nimport { jwtRequired } from '../adapters/express.js';\nexport const x = [JwtManager, runPipeline, jwtRequired];\n",
    );
    expect(bad).toHaveLength(3);
    expect(bad[0]).toContain('The signing engine');
  });

  it("the engine that throws the core's flask errors fails (it throws its own JwsError), in both engine folders", async () => {
    const flask = await layerErrors(
      'src/jws/violation.ts',
      "import { JwtDecodeError } from '../errors.js';\nexport const x = JwtDecodeError;\n",
    );
    expect(flask).toHaveLength(1);
    expect(flask[0]).toContain('it throws JwsError');
    const nested = await layerErrors(
      'src/jws/webcrypto/violation.ts',
      "import { JwtDecodeError } from '../../errors.js';\nexport const x = JwtDecodeError;\n",
    );
    expect(nested).toHaveLength(1);
    const types = await layerErrors(
      'src/jws/allowed.ts',
      "import type { Algorithm } from '../types.js';\nimport { JwsError } from './errors.js';\nexport type A = Algorithm;\nexport const x = JwsError;\n",
    );
    expect(types).toEqual([]);
  });

  it('the real tree passes (no layer is crossed today)', async () => {
    const results = await eslint.lintFiles(['src/adapters', 'src/stores', 'src/jws']);
    const crossings = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'no-restricted-imports'));
    expect(crossings).toEqual([]);
  });
});
