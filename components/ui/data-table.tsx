// One table look for every list of records (review queue, records, members, users, audit log): a
// header row, a rule between rows, cells padded alike. Columns are data: a header and a cell per
// row. No hooks, so server pages and client components both render it.
import type { ReactNode } from "react";

export type Column<T> = {
  /** The header cell ("" for none). */
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Extra classes on this column's body cells, e.g. "tabular-nums" or "max-w-md truncate". */
  className?: string;
};

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  label,
  inset = false,
  rowClassName = "",
}: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** The table's accessible name. */
  label?: string;
  /** Inside a padded card: no side padding of its own. Otherwise the cells pad themselves (a card with p-0). */
  inset?: boolean;
  rowClassName?: string;
}) {
  const pad = inset ? "py-1" : "px-4 py-2";
  return (
    <table className="w-full text-sm" aria-label={label}>
      <thead className="text-left text-zinc-500">
        <tr>
          {columns.map((c, i) => (
            <th key={i} className={`${pad} font-medium`}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={rowKey(r)} className={`border-t border-zinc-200 dark:border-zinc-800 ${rowClassName}`}>
            {columns.map((c, i) => (
              <td key={i} className={`${pad} ${c.className ?? ""}`}>
                {c.cell(r)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
