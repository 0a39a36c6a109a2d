/** Plain-text and Markdown tables; the same rows feed the console and docs/benchmarks.md. */

export type Align = 'l' | 'r';

export interface Table {
  head: readonly string[];
  align: readonly Align[];
  rows: readonly (readonly string[])[];
}

export function renderText(table: Table): string {
  const widths = table.head.map((h, i) => Math.max(h.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (table.align[i] === 'r' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(table.head), rule, ...table.rows.map(line)].join('\n');
}

export function renderMarkdown(table: Table): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const head = `| ${table.head.map(esc).join(' | ')} |`;
  const rule = `|${table.align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`;
  const rows = table.rows.map((r) => `| ${r.map(esc).join(' | ')} |`);
  return [head, rule, ...rows].join('\n');
}

/** Human units for a duration in nanoseconds. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} us`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '-';
  return `${ratio.toFixed(ratio < 10 ? 2 : 1)}x`;
}
