/**
 * SSL: how wca talks TLS to the kubelet, the Kubernetes API server, the Mesos agent and Kafka (WCA's
 * `!SSL`). The files are read and checked when the config loads, so a missing CA bundle or a key without
 * its certificate stops the agent at start with the field and path, not at the first request.
 *
 *   ssl: !SSL
 *     server_verify: /etc/wca/ca.pem      # true (system CAs, the default), false, or a CA bundle
 *     client_cert_path: /etc/wca/client.pem
 *     client_key_path: /etc/wca/client.key
 *
 * Clients take `tlsOptions()`, the option object of node:tls, node:https and kafkajs' `ssl`. TLS 1.2 is
 * the floor: older versions are refused in the handshake. The PEM text never reaches a log line.
 */
import { boolean, params, path, z } from "../config/schema.ts";
import { getLogger } from "../logging/mod.ts";

const log = getLogger("wca.ssl");

/** The TLS options node:tls, node:https and kafkajs (`ssl:`) take. */
export interface TlsOptions {
  /** False only when the config says `server_verify: false`. */
  readonly rejectUnauthorized: boolean;
  /** The configured CA bundle (PEM); absent means the system's CAs. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly minVersion: "TLSv1.2";
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PEM_PRIVATE_KEY = /-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

const caBundle = path({ readable: true });

const schema = params({
  // A path that is not there is named as such, not as "expected true, false or a path" (the union's word).
  server_verify: z.union([boolean(), z.string()], {
    error: "expected true, false or the path of a CA bundle (PEM)",
  }).transform((value, ctx) => {
    if (typeof value === "boolean") return value;
    const parsed = caBundle.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message });
    return z.NEVER;
  }).default(true).describe(
    "Verify the server's certificate: true against the system's CAs, a path to verify against that CA " +
      "bundle (PEM), or false to skip verification (anyone on the network path can then impersonate " +
      "the server).",
  ),
  client_cert_path: path({ readable: true }).optional().describe(
    "Client certificate (PEM) for servers that require one; it may also hold the private key.",
  ),
  client_key_path: path({ readable: true }).optional().describe(
    "Private key (PEM) of the client certificate, when it is not in client_cert_path. Keep it " +
      "readable by the agent's user only.",
  ),
});

export type SSLParams = z.infer<typeof schema>;

export class SSL {
  static readonly schema = schema;
  static readonly description =
    "TLS settings for HTTPS and Kafka clients: server verification and client certificate.";

  readonly serverVerify: boolean | string;
  readonly clientCertPath: string | undefined;
  readonly clientKeyPath: string | undefined;
  readonly #options: TlsOptions;

  constructor(parameters: Partial<SSLParams> = {}) {
    const { server_verify = true, client_cert_path, client_key_path } = parameters;
    this.serverVerify = server_verify;
    this.clientCertPath = client_cert_path;
    this.clientKeyPath = client_key_path;
    this.#options = loadTlsOptions(server_verify, client_cert_path, client_key_path);
    if (server_verify === false) {
      log.warning(
        "SSL server_verify is false: server certificates are not verified, so anyone on the network " +
          "path can impersonate the server",
      );
    }
  }

  /** Options for node:tls, node:https and kafkajs; a fresh object each call, safe to extend. */
  tlsOptions(): TlsOptions {
    return { ...this.#options };
  }

  /** For logs: what is configured, never the contents. */
  toString(): string {
    const verify = this.serverVerify === true
      ? "system CAs"
      : this.serverVerify === false
      ? "no server verification"
      : `CA bundle ${this.serverVerify}`;
    const client = this.clientCertPath ? `, client certificate ${this.clientCertPath}` : "";
    return `SSL(${verify}${client})`;
  }
}

/** Reads and checks the PEM files; throws an Error whose message names the field, the path and the problem. */
export function loadTlsOptions(
  serverVerify: boolean | string,
  clientCertPath: string | undefined,
  clientKeyPath: string | undefined,
): TlsOptions {
  if (clientKeyPath !== undefined && clientCertPath === undefined) {
    throw new Error(
      "client_key_path is set but client_cert_path is not: a key is no use without its certificate",
    );
  }
  let ca: string | undefined;
  if (typeof serverVerify === "string") {
    ca = readPem("server_verify", serverVerify);
    if (!PEM_CERTIFICATE.test(ca)) {
      throw new Error(`server_verify ${serverVerify} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    }
  }
  let cert: string | undefined;
  let key: string | undefined;
  if (clientCertPath !== undefined) {
    cert = readPem("client_cert_path", clientCertPath);
    if (!PEM_CERTIFICATE.test(cert)) {
      throw new Error(
        `client_cert_path ${clientCertPath} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
      );
    }
    if (clientKeyPath !== undefined) {
      key = readPem("client_key_path", clientKeyPath);
      if (!PEM_PRIVATE_KEY.test(key)) {
        throw new Error(
          `client_key_path ${clientKeyPath} holds no PEM private key (-----BEGIN PRIVATE KEY-----)`,
        );
      }
      warnIfShared("client_key_path", clientKeyPath);
    } else if (PEM_PRIVATE_KEY.test(cert)) {
      key = cert;
      warnIfShared("client_cert_path", clientCertPath);
    } else {
      throw new Error(
        `client_cert_path ${clientCertPath} holds no private key and client_key_path is not set: ` +
          "give the key's path in client_key_path",
      );
    }
  }
  return {
    rejectUnauthorized: serverVerify !== false,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    minVersion: "TLSv1.2",
  };
}

function readPem(field: string, path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : error instanceof Deno.errors.NotFound
      ? "it does not exist"
      : error instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : (error as Error).message;
    throw new Error(`${field} ${path} cannot be read: ${reason}`);
  }
}

/** A private key others can read is a secret already shared: say so once, at load. */
function warnIfShared(field: string, path: string): void {
  const mode = Deno.statSync(path).mode;
  if (mode !== null && (mode & 0o044) !== 0) {
    log.warning(
      `SSL ${field} ${path} is readable by group or others (mode ${(mode & 0o777).toString(8)}); ` +
        `run 'chmod 600 ${path}'`,
    );
  }
}
