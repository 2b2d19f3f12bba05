import type { EnosServer } from "../enos";
import { page, requestLog, table, when } from "./html";

/** EnOS Management Console > Data Source Registration, as the console lists data sources. */
export function enosPage(enos: EnosServer): string {
  const sources = enos.dataSources().sort((a, b) => a.createTime - b.createTime);
  return page("EnOS Data Source Registration", [
    table("data-sources", "Data sources", [
      { title: "Name", cell: (d) => d.name },
      { title: "Type", cell: (d) => d.type },
      { title: "Git URL", cell: (d) => d.gitUrl },
      { title: "Description", cell: (d) => d.description },
      { title: "Created By", cell: (d) => d.createBy },
      { title: "Created At", cell: (d) => when(d.createTime) },
      { title: "ID", cell: (d) => d.dataSourceId },
    ], sources),
    requestLog(enos.requests),
  ]);
}
