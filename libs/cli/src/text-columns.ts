/** What an empty cell shows. */
const cellText = (cell: unknown) => (cell === undefined || cell === null || cell === '' ? '-' : String(cell));

/**
 * Rows as aligned columns: each column as wide as its widest cell, two spaces between columns (a
 * label such as `tag deletion` holds one), the last column unpadded. The one layout of every table
 * and label list the CLI prints, so no label can run into its value.
 */
export function columns(rows: readonly (readonly unknown[])[], indent = ''): string {
  const cells = rows.map((row) => row.map(cellText));
  const widths: number[] = [];
  for (const row of cells) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return cells.map((row) => `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd() + '\n').join('');
}

/** A table under its header, or `empty` when it has no rows. */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[], empty: string): string {
  return rows.length === 0 ? `${empty}\n` : columns([header, ...rows]);
}

/** A title, then one `label  value` row a field, indented. */
export function fieldsText(title: string, rows: readonly (readonly [string, unknown])[]): string {
  return `${title}\n${columns(rows, '  ')}`;
}
