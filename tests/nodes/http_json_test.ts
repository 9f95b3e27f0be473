/**
 * The nodes' JSON client against real local servers: TLS with and without verification and with a
 * client certificate, and every failure an orchestrator API shows (refused, hung, HTTP 500, garbage,
 * truncated, oversized). The timeout bounds the whole request, body included.
 */
import assert from "node:assert/strict";
import { SSL } from "../../src/components/ssl.ts";
import { JsonClient, RequestFailure } from "../../src/nodes/http_json.ts";
import { refusedPort, startJsonServer } from "../helpers/json_server.ts";
import { makeTestPki, type TestPki } from "../helpers/tls.ts";

async function withPki(body: (pki: TestPki) => Promise<void>): Promise<void> {
  const pki = await makeTestPki();
  try {
    await body(pki);
  } finally {
    await pki.remove();
  }
}

async function failure(promise: Promise<unknown>): Promise<RequestFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RequestFailure, String(error));
    return error;
  }
  throw new Error("the request succeeded");
}

Deno.test("JsonClient: HTTPS with the CA and a client certificate the server requires", async () => {
  await withPki(async (pki) => {
    const server = await startJsonServer({ kind: "json", body: { items: [] } }, {
      pki,
      requireClientCert: true,
    });
    const withCert = new SSL({
      server_verify: pki.caPath,
      client_cert_path: pki.clientCertPath,
      client_key_path: pki.clientKeyPath,
    });
    const client = new JsonClient({
      baseUrl: server.url,
      tls: withCert.tlsOptions(),
      timeoutMs: 5000,
      maxBytes: 1e6,
    });
    const noCert = new JsonClient({
      baseUrl: server.url,
      tls: new SSL({ server_verify: pki.caPath }).tlsOptions(),
      timeoutMs: 5000,
      maxBytes: 1e6,
    });
    const otherCa = new JsonClient({
      baseUrl: server.url,
      tls: new SSL({ server_verify: pki.otherCaPath }).tlsOptions(),
      timeoutMs: 5000,
      maxBytes: 1e6,
    });
    try {
      assert.deepEqual(await client.request("/pods"), { items: [] });
      assert.equal(server.requests.at(-1)?.clientCertificate, "wca-agent");
      assert.equal((await failure(noCert.request("/pods"))).kind, "tls");
      assert.equal((await failure(otherCa.request("/pods"))).kind, "tls", "an unknown CA is refused");
    } finally {
      client.close();
      noCert.close();
      otherCa.close();
      await server.close();
    }
  });
});

Deno.test("JsonClient: server_verify false reaches a server no CA vouches for; true (system CAs) does not", async () => {
  await withPki(async (pki) => {
    const server = await startJsonServer({ kind: "json", body: { ok: 1 } }, { pki });
    const insecure = new JsonClient({
      baseUrl: server.url,
      tls: new SSL({ server_verify: false }).tlsOptions(),
      timeoutMs: 5000,
      maxBytes: 1e6,
    });
    const verifying = new JsonClient({ baseUrl: server.url, timeoutMs: 5000, maxBytes: 1e6 });
    try {
      assert.deepEqual(await insecure.request("/"), { ok: 1 });
      assert.equal((await failure(verifying.request("/"))).kind, "tls");
    } finally {
      insecure.close();
      verifying.close();
      await server.close();
    }
  });
});

Deno.test("JsonClient: POST sends the JSON body with its content type", async () => {
  const server = await startJsonServer({ kind: "json", body: { type: "GET_STATE" } });
  const client = new JsonClient({ baseUrl: server.url, timeoutMs: 5000, maxBytes: 1e6 });
  try {
    await client.request("/api/v1", { method: "POST", body: { type: "GET_STATE" } });
    assert.deepEqual(server.requests.map((r) => [r.method, r.url, r.body]), [
      ["POST", "/api/v1", '{"type":"GET_STATE"}'],
    ]);
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("JsonClient: each failure has its kind and a message that says what happened", async (t) => {
  const server = await startJsonServer({ kind: "hang" });
  const client = new JsonClient({ baseUrl: server.url, timeoutMs: 400, maxBytes: 1000 });
  const cases: Array<[string, Parameters<typeof startJsonServer>[0], string, RegExp]> = [
    [
      "HTTP 500",
      { kind: "status", status: 500, body: "etcd unavailable" },
      "status",
      /HTTP 500.*etcd unavailable/,
    ],
    ["HTTP 403", { kind: "status", status: 403, body: "forbidden: pods" }, "status", /HTTP 403/],
    ["garbage", { kind: "garbage" }, "not-json", /not JSON.*Welcome to nginx.*\\x1b/],
    [
      "truncated JSON",
      { kind: "truncated", body: { items: [1, 2, 3, 4, 5, 6] } },
      "network",
      /closed|aborted|socket|reset/i,
    ],
    ["too large", { kind: "json", body: { items: "x".repeat(5000) } }, "too-large", /larger than 1000 bytes/],
    ["hang", { kind: "hang" }, "timeout", /within 0.4 s/],
    ["stalled body", { kind: "stall", body: { items: [1, 2, 3, 4, 5, 6] } }, "timeout", /within 0.4 s/],
  ];
  try {
    for (const [name, behaviour, kind, message] of cases) {
      await t.step(name, async () => {
        server.behaviour = behaviour;
        const started = performance.now();
        const error = await failure(client.request("/pods"));
        const elapsed = performance.now() - started;
        assert.equal(error.kind, kind, error.message);
        assert.match(error.message, message);
        // The timeout bounds the whole request (generous margin for a loaded machine).
        assert.ok(elapsed < 3000, `took ${elapsed} ms`);
      });
    }
    await t.step("a good answer after the failures (a timed-out socket is not reused)", async () => {
      server.behaviour = { kind: "json", body: { items: [] } };
      assert.deepEqual(await client.request("/pods"), { items: [] });
    });
  } finally {
    client.close();
    await server.close();
  }
});

Deno.test("JsonClient: a port nobody listens on is 'refused'", async () => {
  const client = new JsonClient({
    baseUrl: `http://127.0.0.1:${refusedPort()}`,
    timeoutMs: 2000,
    maxBytes: 1e6,
  });
  try {
    const error = await failure(client.request("/pods"));
    assert.equal(error.kind, "refused", error.message);
  } finally {
    client.close();
  }
});
