/** The few HTML pieces the report is written with: escaping (every text from a run is escaped once, here), numbers and tables. */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe as element content and as a quoted attribute value. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A number with four significant digits (exponent form when very large or small); a dash when absent. */
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  return abs >= 1e5 || abs < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

export function percent(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${Number((v * 100).toPrecision(3))} %`;
}

/** A table cell's markup: text (escaped here) or markup already built. */
export type Cell = string | { html: string };

const cellHtml = (c: Cell) => (typeof c === 'string' ? esc(c) : c.html);

/** A table with a header row; `numeric` columns are right-aligned. */
export function table(head: readonly string[], rows: readonly (readonly Cell[])[], numeric: readonly number[] = []): string {
  const align = (i: number) => (numeric.includes(i) ? ' class="n"' : '');
  return [
    '<table>',
    `<thead><tr>${head.map((h, i) => `<th${align(i)}>${esc(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((c, i) => `<td${align(i)}>${cellHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('');
}

/** A definition list of facts, skipping those without a value. */
export function facts(entries: readonly [string, Cell | null | undefined][]): string {
  const shown = entries.filter((e): e is [string, Cell] => e[1] !== null && e[1] !== undefined && e[1] !== '');
  return `<dl class="facts">${shown.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${cellHtml(v)}</dd>`).join('')}</dl>`;
}

export const code = (text: string) => ({ html: `<code>${esc(text)}</code>` });
