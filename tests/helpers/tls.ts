/**
 * A throw-away PKI for TLS tests, made with the real openssl: a CA, a server certificate for localhost,
 * 127.0.0.1 and ::1, and a client certificate, all signed by the CA, in a private temporary directory.
 * `startOpensslServer` runs `openssl s_server` as a real TLS peer on a free loopback port.
 */
export interface TestPki {
  readonly dir: string;
  readonly caPath: string;
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
  readonly clientCertPath: string;
  readonly clientKeyPath: string;
  /** A second CA that signed nothing here: verification against it must fail. */
  readonly otherCaPath: string;
  remove(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const { code, stderr } = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (code !== 0) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(stderr)}`);
}

/** A fresh RSA key `<name>.key` and, for `subject`, a self-signed `<name>.pem` (a CA) or a `<name>.csr`. */
function newKey(dir: string, name: string, subject: string, selfSigned: boolean): Promise<void> {
  const out = selfSigned ? ["-x509", "-days", "2", "-out", `${name}.pem`] : ["-out", `${name}.csr`];
  return openssl(
    ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, ...out, "-subj", subject],
    dir,
  );
}

async function signed(dir: string, name: string, subject: string, extensions: string): Promise<void> {
  await newKey(dir, name, subject, false);
  await Deno.writeTextFile(`${dir}/${name}.ext`, extensions);
  await openssl([
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    `${name}.pem`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  ], dir);
  await Deno.chmod(`${dir}/${name}.key`, 0o600);
}

export async function makeTestPki(): Promise<TestPki> {
  const dir = await Deno.makeTempDir({ prefix: "wca-pki-" });
  const ca = (name: string) => newKey(dir, name, `/CN=wca-test-${name}`, true);
  await ca("ca");
  await ca("other-ca");
  await signed(
    dir,
    "server",
    "/CN=localhost",
    "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  await signed(dir, "client", "/CN=wca-agent", "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n");
  return {
    dir,
    caPath: `${dir}/ca.pem`,
    serverCertPath: `${dir}/server.pem`,
    serverKeyPath: `${dir}/server.key`,
    clientCertPath: `${dir}/client.pem`,
    clientKeyPath: `${dir}/client.key`,
    otherCaPath: `${dir}/other-ca.pem`,
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

export interface OpensslServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** `openssl s_server -www` on 127.0.0.1 and a free port; `extra` adds options (-Verify 1, -tls1_1 …). */
export async function startOpensslServer(pki: TestPki, extra: string[] = []): Promise<OpensslServer> {
  const child = new Deno.Command("openssl", {
    args: [
      "s_server",
      "-accept",
      "127.0.0.1:0",
      "-cert",
      pki.serverCertPath,
      "-key",
      pki.serverKeyPath,
      "-www",
      ...extra,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = Date.now() + 10_000;
  while (!/ACCEPT .*:(\d+)/.test(seen)) {
    if (Date.now() > deadline) throw new Error(`openssl s_server did not start: ${seen}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`openssl s_server exited: ${seen}`);
    seen += value;
  }
  const port = Number(/ACCEPT .*:(\d+)/.exec(seen)![1]);
  // Keep draining stdout so the server never blocks on a full pipe.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })();
  return {
    port,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      await child.stdin.close().catch(() => {});
      await drained.catch(() => {});
      await child.status;
    },
  };
}

export interface CertificateOptions {
  /** File name stem in the PKI's directory. */
  readonly name: string;
  /** subjectAltName; default the server's (localhost, 127.0.0.1, ::1). */
  readonly altNames?: string;
  /** Validity as openssl ca takes it (YYYYMMDDHHMMSSZ); default from now for two days. */
  readonly notBefore?: string;
  readonly notAfter?: string;
  /** Signed by its own key instead of the PKI's CA. */
  readonly selfSigned?: boolean;
}

/**
 * A server certificate of the PKI's shape with one thing changed (dates in the past or the future,
 * other names, no CA), made by `openssl ca` (the only openssl 3.0 command that sets given dates).
 */
export async function makeServerCertificate(
  pki: TestPki,
  options: CertificateOptions,
): Promise<{ certPath: string; keyPath: string }> {
  const { dir } = pki;
  const name = options.name;
  await newKey(dir, name, "/CN=localhost", false);
  const altNames = options.altNames ?? "DNS:localhost,IP:127.0.0.1,IP:::1";
  await Deno.writeTextFile(
    `${dir}/${name}.ext`,
    `subjectAltName=${altNames}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  await Deno.writeTextFile(`${dir}/${name}.index`, "");
  await Deno.writeTextFile(
    `${dir}/${name}.cnf`,
    [
      "[ca]",
      "default_ca = test",
      "[test]",
      `database = ${dir}/${name}.index`,
      `new_certs_dir = ${dir}`,
      `serial = ${dir}/${name}.serial`,
      "default_md = sha256",
      "policy = any",
      "unique_subject = no",
      "[any]",
      "commonName = supplied",
      "",
    ].join("\n"),
  );
  await Deno.writeTextFile(
    `${dir}/${name}.serial`,
    `${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}\n`,
  );
  const startDate = options.notBefore ?? openSslDate(new Date(Date.now() - 3600_000));
  const endDate = options.notAfter ?? openSslDate(new Date(Date.now() + 2 * 86400_000));
  const signer = options.selfSigned
    ? ["-selfsign", "-keyfile", `${name}.key`]
    : ["-cert", "ca.pem", "-keyfile", "ca.key"];
  await openssl([
    "ca",
    "-batch",
    "-notext",
    "-config",
    `${name}.cnf`,
    ...signer,
    "-in",
    `${name}.csr`,
    "-out",
    `${name}.pem`,
    "-startdate",
    startDate,
    "-enddate",
    endDate,
    "-extfile",
    `${name}.ext`,
  ], dir);
  await Deno.chmod(`${dir}/${name}.key`, 0o600);
  return { certPath: `${dir}/${name}.pem`, keyPath: `${dir}/${name}.key` };
}

/** YYYYMMDDHHMMSSZ. */
export function openSslDate(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").replace(/\.\d{3}Z$/, "Z");
}
