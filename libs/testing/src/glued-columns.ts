/** Two spaces: the gap between columns, wider than the single spaces inside a label (`tag deletion`). */
const GAP = /\S( {2,})\S/;
/** A table's header: upper-case column names, two spaces or more apart (`RUN ID  TRIGGER  STATUS`). */
const HEADER = /^[A-Z][A-Z ]*[A-Z]$/;

/**
 * Where a command's output for people glues words together that it prints apart: one message a
 * place (`line 9: "tag deletion" runs into "on"`), none when the output reads right. Checks
 *
 * - each known label that starts a line (after its indentation) stands apart from what follows:
 *   the longest label that fits is the one printed, so `tags` is not `tag` glued to `s`;
 * - in a block of `label  value` rows (lines indented by two spaces under a title line), each row
 *   has a gap of two spaces or more after its label, and the values start in one column;
 * - under a table's header, each row that has columns (two spaces apart anywhere) has a gap before
 *   every column the header names.
 *
 * For stdout: its indented lines are label rows, where stderr indents other things (field errors).
 */
export function gluedColumns(text: string, labels: readonly string[] = []): string[] {
  const lines = text.split('\n');
  const problems: string[] = [];
  const at = (i: number) => `line ${i + 1} ${JSON.stringify(lines[i])}`;
  const byLength = [...labels].sort((a, b) => b.length - a.length);

  lines.forEach((line, i) => {
    const body = line.trimStart();
    const label = byLength.find((l) => body.startsWith(l));
    if (label !== undefined && /^\S/.test(body.slice(label.length))) problems.push(`${at(i)}: "${label}" runs into "${/^\S+/.exec(body.slice(label.length))![0]}"`);
  });

  // Blocks of label rows: two-space-indented lines under an unindented title line.
  const isRow = (line: string | undefined) => line !== undefined && /^ {2}\S/.test(line);
  for (let i = 1; i < lines.length; i++) {
    if (!isRow(lines[i]) || !/^\S/.test(lines[i - 1]!)) continue;
    let valueColumn: number | undefined;
    for (; isRow(lines[i]); i++) {
      const gap = GAP.exec(lines[i]!);
      if (!gap) {
        problems.push(`${at(i)}: no gap of two spaces between the label and its value`);
        continue;
      }
      const column = gap.index + 1 + gap[1]!.length;
      if (valueColumn === undefined) valueColumn = column;
      else if (column !== valueColumn) problems.push(`${at(i)}: the value starts in column ${column + 1}, the row above's in ${valueColumn + 1}`);
    }
  }

  // Tables: the rows under a header line, up to the first line without columns.
  lines.forEach((header, h) => {
    if (!HEADER.test(header) || !/ {2}/.test(header)) return;
    const starts = [...header.matchAll(/ {2,}(?=\S)/g)].map((m) => m.index + m[0].length);
    for (let r = h + 1; r < lines.length && / {2}\S/.test(lines[r]!); r++) {
      for (const start of starts) {
        if (lines[r]!.length > start && lines[r]!.slice(start - 2, start) !== '  ') problems.push(`${at(r)}: no gap before the column at ${start + 1} ("${header.slice(start).split(/ {2}/)[0]}")`);
      }
    }
  });
  return problems;
}
