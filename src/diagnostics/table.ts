// Tables of numbers for the terminal (cli-table3, drawn plainly so that they paste into Markdown and logs) and the
// same data for the HTML report.
import Table from 'cli-table3';

/** A table: column titles and rows of cells (numbers are formatted by the caller). */
export interface TableData {
  columns: string[];
  rows: (string | number)[][];
  /** Per column; default: right for columns whose cells all look numeric, left otherwise. */
  align?: ('left' | 'right')[];
  caption?: string;
}

const NUMERIC = /^[-+]?(\d[\d,]*\.?\d*|\.\d+)(e[-+]?\d+)?%?$|^(NaN|-?Infinity|-)$/i;

/** Each column's alignment: as given, or right for numbers. */
export function alignments(t: TableData): ('left' | 'right')[] {
  return t.columns.map(
    (_, c) =>
      t.align?.[c] ??
      (t.rows.length > 0 && t.rows.every((r) => String(r[c]) === '' || NUMERIC.test(String(r[c]))) ? 'right' : 'left'),
  );
}

/** The table as text: a header, a rule of dashes, the rows; columns two spaces apart. */
export function formatTable(t: TableData): string {
  const none = { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '' };
  const table = new Table({
    head: t.columns,
    colAligns: alignments(t),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 },
    chars: {
      ...none,
      'bottom-left': '',
      'bottom-right': '',
      left: '',
      'left-mid': '',
      mid: '-',
      'mid-mid': '  ',
      right: '',
      'right-mid': '',
      middle: '  ',
    },
  });
  for (const row of t.rows) table.push(row.map(String));
  return table.toString();
}
