/** The sandbox's read-only pages: what a vendor's console would show, as plain HTML tables. */
import type { LoggedRequest } from "../server";

/** Text made safe for HTML: whatever a program registered is shown, never interpreted. */
export function escape(text: unknown): string {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface Column<T> {
  title: string;
  cell: (row: T) => unknown;
}

/** A table with an id (for tests and links), a caption, and one row per item ("none" when empty). */
export function table<T>(id: string, caption: string, columns: Column<T>[], rows: T[]): string {
  const head = columns.map((c) => `<th>${escape(c.title)}</th>`).join("");
  const body = rows.length
    ? rows.map((row) => `<tr>${columns.map((c) => `<td>${escape(c.cell(row))}</td>`).join("")}</tr>`).join("\n")
    : `<tr><td colspan="${columns.length}" class="none">none</td></tr>`;
  return `<table id="${escape(id)}"><caption>${escape(caption)}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** Shown newest first, at most this many. */
const LOG_ROWS = 200;

/** The server's request log: method, path and status (no query, no header, no body: no secret). */
export function requestLog(requests: readonly LoggedRequest[]): string {
  const rows = requests.slice(-LOG_ROWS).reverse();
  const caption = `Requests, newest first (${requests.length} in all${requests.length > LOG_ROWS ? `, the last ${LOG_ROWS} shown` : ""})`;
  return table("requests", caption, [
    { title: "Method", cell: (r) => r.method },
    { title: "Path", cell: (r) => r.path },
    { title: "Status", cell: (r) => (r.status === 0 ? `dropped (${r.fault})` : r.status) },
  ], rows);
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:0 0 1.5em}
caption{text-align:left;font-weight:600;padding:.3em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}.none{color:#888}.note{color:#555}`;

/** A whole page: the vendor's title, a note on what this is, the sections. */
export function page(title: string, sections: string[]): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title><style>${STYLE}</style></head>
<body><h1>${escape(title)}</h1>
<p class="note">The pulumi-gitlab-sources sandbox, read-only: reload to see what changed. Tokens and secrets are never shown.</p>
${sections.join("\n")}
</body></html>
`;
}

/** Milliseconds since the epoch, or an ISO string, as "YYYY-MM-DD HH:MM:SS UTC". */
export function when(time: number | string | null | undefined): string {
  if (time === null || time === undefined || time === "") return "";
  return new Date(time).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}
