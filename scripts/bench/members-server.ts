/**
 * The limit for bench:members: a bare node:http server answering the members page's query string
 * with the same parse and the same `listMembers` call as the page, as JSON, with no session, no
 * React and no Next.js around it. Prints "ready <port>" when listening.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { listMembers } from "@/lib/members/list";
import { parseMemberQuery } from "@/lib/members/list-query";

const tenantId = process.env.BENCH_TENANT_ID!;

const server = http.createServer(async (req, res) => {
  const params = new URL(req.url ?? "/", "http://bench").searchParams;
  const query = parseMemberQuery(Object.fromEntries(params));
  try {
    const page = await listMembers(tenantId, query);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(page));
  } catch (error) {
    console.error(error);
    res.writeHead(500).end();
  }
});

server.listen(0, "127.0.0.1", () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
