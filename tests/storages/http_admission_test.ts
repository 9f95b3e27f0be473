/** ConnectionTable and peerKey: who may hold a connection, and which one is shed for a newcomer. */
import assert from "node:assert/strict";
import { ConnectionTable, peerKey } from "../../src/storages/http_admission.ts";

Deno.test("peerKey: IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 by its /64 prefix", () => {
  const cases: [string, string][] = [
    ["127.0.0.2", "127.0.0.2"],
    ["::ffff:127.0.0.2", "127.0.0.2"],
    ["0:0:0:0:0:ffff:10.1.2.3", "10.1.2.3"],
    ["::1", "0:0:0:0::/64"],
    ["::", "0:0:0:0::/64"],
    ["2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2:bbbb:cccc:dddd:eeee", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002::", "2001:db8:1:2::/64"],
    ["2001:db8::5", "2001:db8:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["[2001:db8:1:2::9]", "2001:db8:1:2::/64"],
  ];
  for (const [address, key] of cases) assert.equal(peerKey(address), key, address);
});

Deno.test("ConnectionTable: a peer at the per-address limit is refused; others are admitted", () => {
  const table = new ConnectionTable<string>({ maxConnections: 10, maxConnectionsPerAddress: 2 });
  assert.deepEqual(table.admit("a1", "A"), { admitted: true });
  assert.deepEqual(table.admit("b1", "B"), { admitted: true });
  assert.deepEqual(table.admit("a2", "A"), { admitted: true });
  assert.deepEqual(table.admit("a3", "A"), { admitted: false, limit: "max_connections_per_address" });
  assert.deepEqual(table.admit("b2", "B"), { admitted: true });
  assert.deepEqual([...table.connections()].sort(), ["a1", "a2", "b1", "b2"]);
  table.remove("a1");
  assert.deepEqual(table.admit("a4", "A"), { admitted: true });
  assert.deepEqual(table.dropped, {
    shed: 0,
    refused: { max_connections: 0, max_connections_per_address: 1 },
  });
});

Deno.test("ConnectionTable: when full, the oldest waiting connection of any address is shed", () => {
  const table = new ConnectionTable<string>({ maxConnections: 3, maxConnectionsPerAddress: 3 });
  for (const [conn, peer] of [["a1", "A"], ["b1", "B"], ["c1", "C"]]) table.admit(conn!, peer!);
  table.busy("a1");
  // A kept-alive connection waits again from now on: it is shed after one that waited before it.
  table.busy("b1");
  table.waiting("b1");
  assert.deepEqual(table.admit("d1", "D"), { admitted: true, limit: "max_connections", shed: "c1" });
  assert.deepEqual(table.admit("d2", "D"), { admitted: true, limit: "max_connections", shed: "b1" });
  table.busy("d1");
  table.busy("d2");
  assert.equal(table.size, 3);
  assert.deepEqual(table.admit("e1", "E"), { admitted: false, limit: "max_connections" });
  table.remove("a1");
  table.remove("a1"); // twice: no effect
  assert.deepEqual(table.admit("e2", "E"), { admitted: true });
  assert.equal(table.size, 3);
  assert.deepEqual(table.dropped, {
    shed: 2,
    refused: { max_connections: 1, max_connections_per_address: 0 },
  });
});

Deno.test("ConnectionTable: removing connections frees their address's count", () => {
  const table = new ConnectionTable<number>({ maxConnections: 100, maxConnectionsPerAddress: 2 });
  table.admit(1, "A");
  table.admit(2, "A");
  table.remove(1);
  table.remove(2);
  assert.deepEqual(table.admit(3, "A"), { admitted: true });
  assert.deepEqual(table.admit(4, "A"), { admitted: true });
  assert.equal(table.admit(5, "A").admitted, false);
  assert.equal(table.size, 2);
});
