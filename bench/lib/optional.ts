/**
 * jwt-extended is written alongside this harness: a row whose module is not there yet must say
 * so in the table instead of crashing the run.
 */

export type Loaded<T> = { ok: true; value: T } | { ok: false; reason: string };

export async function importOptional<T>(specifier: string | URL): Promise<Loaded<T>> {
  try {
    return { ok: true, value: (await import(specifier.toString())) as T };
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') {
      return { ok: false, reason: 'not built yet' };
    }
    return { ok: false, reason: `import failed: ${firstLine(err.message ?? String(error))}` };
  }
}

export function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
