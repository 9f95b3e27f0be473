/**
 * TLS failures say what failed, against real local HTTPS servers whose certificates openssl makes in
 * the test: an expired and a not yet valid certificate, one for another host name, one signed by a CA
 * the agent does not trust, and a self-signed one each get their own message through JsonClient.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { SSL } from "../../src/components/ssl.ts";
import { JsonClient, RequestFailure } from "../../src/nodes/http_json.ts";
import { certificateNames } from "../../src/nodes/tls_diagnosis.ts";
import { startJsonServer } from "../helpers/json_server.ts";
import { makeServerCertificate, makeTestPki } from "../helpers/tls.ts";

async function failureOf(promise: Promise<unknown>): Promise<RequestFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RequestFailure, String(error));
    return error;
  }
  throw new Error("the request succeeded");
}

Deno.test("JsonClient: each kind of certificate failure has its own message", async (t) => {
  const pki = await makeTestPki();
  try {
    const cases: ReadonlyArray<{
      name: string;
      make: () => Promise<{ certPath: string; keyPath: string }>;
      trust?: string;
      host?: string;
      message: RegExp;
    }> = [
      {
        name: "expired",
        make: () =>
          makeServerCertificate(pki, {
            name: "expired",
            notBefore: "20200101000000Z",
            notAfter: "20200201000000Z",
          }),
        message:
          /^TLS failed: the server's certificate \(CN=localhost\) expired on 2020-02-01T00:00:00Z: renew it \(this host's clock says 20\d\d-/,
      },
      {
        name: "not yet valid",
        make: () =>
          makeServerCertificate(pki, {
            name: "future",
            notBefore: "20990101000000Z",
            notAfter: "20990201000000Z",
          }),
        message:
          /^TLS failed: the server's certificate \(CN=localhost\) is not valid before 2099-01-01T00:00:00Z: check this host's clock/,
      },
      {
        name: "wrong host name",
        make: () => makeServerCertificate(pki, { name: "other-host", altNames: "DNS:kubelet.other.example" }),
        message:
          /^TLS failed: the server's certificate is for DNS:kubelet\.other\.example, not 127\.0\.0\.1: use one of those names/,
      },
      {
        name: "wrong host name (by name)",
        make: () =>
          makeServerCertificate(pki, { name: "other-host-2", altNames: "DNS:kubelet.other.example" }),
        host: "localhost",
        message: /^TLS failed: the server's certificate is for DNS:kubelet\.other\.example, not localhost/,
      },
      {
        name: "unknown CA",
        make: () => Promise.resolve({ certPath: pki.serverCertPath, keyPath: pki.serverKeyPath }),
        trust: pki.otherCaPath,
        message:
          /^TLS failed: the server's certificate was signed by CN=wca-test-ca, which is not among the CA bundle given in server_verify/,
      },
      {
        name: "self-signed leaf",
        make: () => makeServerCertificate(pki, { name: "self", selfSigned: true }),
        message:
          /^TLS failed: the server's certificate \(CN=localhost\) is self-signed and not among the CA bundle/,
      },
    ];
    const messages = new Set<string>();
    for (const c of cases) {
      await t.step(c.name, async () => {
        const { certPath, keyPath } = await c.make();
        const server = await startJsonServer({ kind: "json", body: { items: [] } }, {
          pki: { ...pki, serverCertPath: certPath, serverKeyPath: keyPath },
        });
        const base = c.host ? server.url.replace("127.0.0.1", c.host) : server.url;
        const client = new JsonClient({
          baseUrl: base,
          tls: new SSL({ server_verify: c.trust ?? pki.caPath }).tlsOptions(),
          timeoutMs: 5000,
          maxBytes: 1e6,
        });
        try {
          const failure = await failureOf(client.request("/pods"));
          assert.equal(failure.kind, "tls");
          assert.match(failure.message, c.message);
          console.log(failure.message);
          messages.add(failure.message.replace(/\d{4}-\d\d-\d\dT[\d:]+Z/g, "").slice(0, 60));
        } finally {
          client.close();
          await server.close();
        }
      });
    }
    // Five kinds, five messages (the two host-name cases share theirs).
    assert.equal(messages.size, 5, [...messages].join("\n"));
    // The same CA-signed certificate, valid and for this host, is accepted: the checks are not blanket.
    const server = await startJsonServer({ kind: "json", body: { ok: 1 } }, { pki });
    const client = new JsonClient({
      baseUrl: server.url,
      tls: new SSL({ server_verify: pki.caPath }).tlsOptions(),
      timeoutMs: 5000,
      maxBytes: 1e6,
    });
    try {
      assert.deepEqual(await client.request("/"), { ok: 1 });
    } finally {
      client.close();
      await server.close();
    }
  } finally {
    await pki.remove();
  }
});

Deno.test("certificateNames: alternative names, one-label wildcards, IPs; the CN only without DNS names", async () => {
  const pki = await makeTestPki();
  try {
    const wildcard = await makeServerCertificate(pki, {
      name: "wild",
      altNames: "DNS:*.example.test,IP:10.1.2.3",
    });
    const cert = new X509Certificate(Deno.readTextFileSync(wildcard.certPath));
    const table: ReadonlyArray<[string, boolean]> = [
      ["a.example.test", true],
      ["A.Example.Test.", true],
      ["b.a.example.test", false],
      ["example.test", false],
      ["10.1.2.3", true],
      ["10.1.2.4", false],
      ["localhost", false], // its CN: not considered beside DNS names
    ];
    for (const [host, expected] of table) assert.equal(certificateNames(cert, host), expected, host);
    const server = new X509Certificate(Deno.readTextFileSync(pki.serverCertPath));
    assert.equal(certificateNames(server, "::1"), true);
    assert.equal(certificateNames(server, "0:0:0:0:0:0:0:1"), true);
  } finally {
    await pki.remove();
  }
});
