/**
 * !SSL against real TLS peers: `openssl s_server` with certificates made by openssl in the test, reached
 * through node:https with the options the component hands out (as the nodes and Kafka use them).
 */
import assert from "node:assert/strict";
import https from "node:https";
import { Registry } from "../../src/components/mod.ts";
import { SSL } from "../../src/components/ssl.ts";
import { buildRunner, params, parseConfigText, z } from "../../src/config/mod.ts";
import { captureLogLines } from "../helpers/log_capture.ts";
import { makeTestPki, startOpensslServer, type TestPki } from "../helpers/tls.ts";

/** A runner whose only parameter is an !SSL, so the test goes through the real config loader. */
class SslHolder {
  static readonly schema = params({ ssl: z.instanceof(SSL, { error: "expected an !SSL" }) });
  readonly ssl: SSL;
  constructor(parameters: { ssl: SSL }) {
    this.ssl = parameters.ssl;
  }
  run(): void {}
}

function load(yaml: string): SSL {
  const config = parseConfigText("ssl.yaml", yaml);
  const runner = buildRunner(config, { components: new Registry({ SSL, SslHolder }) }) as SslHolder;
  return runner.ssl;
}

function loadError(yaml: string): string {
  try {
    load(yaml);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the config loaded");
}

/** GET / over HTTPS with `ssl`'s options: the status, or the TLS error's message. */
function get(port: number, ssl: SSL): Promise<number | string> {
  return new Promise((resolve) => {
    const request = https.get(
      `https://127.0.0.1:${port}/`,
      { ...ssl.tlsOptions(), timeout: 10_000 },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", (error) => resolve(error.message));
  });
}

async function withPki(body: (pki: TestPki) => Promise<void> | void): Promise<void> {
  const pki = await makeTestPki();
  try {
    await body(pki);
  } finally {
    await pki.remove();
  }
}

Deno.test("SSL loads a CA bundle and a client certificate and hands out TLS 1.2+ options", async () => {
  await withPki((pki) => {
    const ssl = load(
      `runner: !SslHolder\n  ssl: !SSL\n    server_verify: ${pki.caPath}\n` +
        `    client_cert_path: ${pki.clientCertPath}\n    client_key_path: ${pki.clientKeyPath}\n`,
    );
    const options = ssl.tlsOptions();
    assert.equal(options.rejectUnauthorized, true);
    assert.equal(options.minVersion, "TLSv1.2");
    assert.equal(options.ca, Deno.readTextFileSync(pki.caPath));
    assert.equal(options.key, Deno.readTextFileSync(pki.clientKeyPath));
    assert.ok(!String(ssl).includes("BEGIN"), "toString must not show PEM text");
    assert.match(String(ssl), /CA bundle .*ca\.pem, client certificate .*client\.pem/);
  });
});

Deno.test("SSL verifies the server against the CA bundle, and only against it", async () => {
  await withPki(async (pki) => {
    const server = await startOpensslServer(pki);
    try {
      assert.equal(await get(server.port, new SSL({ server_verify: pki.caPath })), 200);
      assert.match(
        String(await get(server.port, new SSL({ server_verify: pki.otherCaPath }))),
        /certificate/i,
      );
      // The default trusts the system's CAs, which did not sign the test server.
      assert.match(String(await get(server.port, new SSL())), /certificate/i);
    } finally {
      await server.stop();
    }
  });
});

Deno.test("SSL server_verify: false connects to any server, and says so at load", async () => {
  await withPki(async (pki) => {
    const server = await startOpensslServer(pki);
    try {
      const { result: ssl, lines } = await captureLogLines(() =>
        Promise.resolve(new SSL({ server_verify: false }))
      );
      assert.equal(lines.filter((line) => /server_verify is false/.test(line)).length, 1, lines.join("\n"));
      assert.equal(await get(server.port, ssl), 200);
    } finally {
      await server.stop();
    }
  });
});

Deno.test("SSL presents the client certificate to a server that requires one", async () => {
  await withPki(async (pki) => {
    const server = await startOpensslServer(pki, [
      "-Verify",
      "1",
      "-verify_return_error",
      "-CAfile",
      pki.caPath,
    ]);
    try {
      const withCert = new SSL({
        server_verify: pki.caPath,
        client_cert_path: pki.clientCertPath,
        client_key_path: pki.clientKeyPath,
      });
      assert.equal(await get(server.port, withCert), 200);
      assert.notEqual(await get(server.port, new SSL({ server_verify: pki.caPath })), 200);
      // One file holding the certificate and its key, as WCA allowed.
      const combined = `${pki.dir}/combined.pem`;
      Deno.writeTextFileSync(
        combined,
        Deno.readTextFileSync(pki.clientCertPath) + Deno.readTextFileSync(pki.clientKeyPath),
        { mode: 0o600 },
      );
      assert.equal(
        await get(server.port, new SSL({ server_verify: pki.caPath, client_cert_path: combined })),
        200,
      );
    } finally {
      await server.stop();
    }
  });
});

Deno.test("SSL refuses a server that only speaks TLS 1.1", async () => {
  await withPki(async (pki) => {
    const server = await startOpensslServer(pki, ["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"]);
    try {
      const result = await get(server.port, new SSL({ server_verify: pki.caPath }));
      assert.equal(typeof result, "string", `a TLS 1.1 handshake succeeded (status ${result})`);
    } finally {
      await server.stop();
    }
  });
});

Deno.test("SSL refuses missing, unreadable and mismatched files at load, naming the field and the path", async () => {
  await withPki((pki) => {
    const yaml = (body: string) => `runner: !SslHolder\n  ssl: !SSL\n${body}`;
    assert.match(
      loadError(
        yaml(`    client_cert_path: ${pki.dir}/nope.pem\n    client_key_path: ${pki.clientKeyPath}\n`),
      ),
      /ssl\.yaml:3:23: .*client_cert_path.*readable path.*does not exist/,
    );
    assert.match(
      loadError(yaml(`    client_key_path: ${pki.clientKeyPath}\n`)),
      /ssl\.yaml:2:\d+: Cannot create !SSL: client_key_path is set but client_cert_path is not/,
    );
    assert.match(
      loadError(yaml(`    client_cert_path: ${pki.clientCertPath}\n`)),
      /client_cert_path .*client\.pem holds no private key and client_key_path is not set/,
    );
    assert.match(
      loadError(yaml(`    server_verify: ${pki.clientKeyPath}\n`)),
      /server_verify .*client\.key holds no PEM certificate/,
    );
    assert.match(
      loadError(yaml(`    client_cert_path: ${pki.clientCertPath}\n    client_key_path: ${pki.caPath}\n`)),
      /client_key_path .*ca\.pem holds no PEM private key/,
    );
    assert.match(
      loadError(yaml(`    server_verify: ${pki.dir}/no-ca.pem\n`)),
      /ssl\.yaml:3:20: .*server_verify.*expected a readable path, but it does not exist/,
    );
    assert.match(
      loadError(yaml(`    server_verify: 3\n`)),
      /server_verify.*expected true, false or the path of a CA bundle/,
    );
    assert.match(
      loadError(yaml(`    server_verify: ${pki.dir}\n`)),
      /server_verify .* cannot be read: it is a directory/,
    );
    assert.match(loadError(yaml(`    verify: true\n`)), /verify/);
  });
});

Deno.test("SSL warns once when a private key is readable by others, and never logs the key", async () => {
  await withPki(async (pki) => {
    Deno.chmodSync(pki.clientKeyPath, 0o644);
    const { lines } = await captureLogLines(() =>
      Promise.resolve(
        new SSL({
          server_verify: pki.caPath,
          client_cert_path: pki.clientCertPath,
          client_key_path: pki.clientKeyPath,
        }),
      )
    );
    assert.equal(
      lines.filter((line) => /readable by group or others \(mode 644\)/.test(line)).length,
      1,
      lines.join("\n"),
    );
    assert.ok(!lines.some((line) => line.includes("PRIVATE KEY")));
  });
});
