/**
 * Why a TLS handshake failed, in the operator's terms. The runtime's error codes are ambiguous (Deno's
 * node:https says "unable to verify the first certificate" for an expired leaf), so after a failure we
 * connect once more without verifying, read the certificates the server presents and check them
 * ourselves: dates first, then the host name, then who signed the leaf. `judgeCertificate` is pure.
 */
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import tls from "node:tls";
import type { TlsOptions } from "../components/ssl.ts";
import { escapeControl } from "../logging/mod.ts";

/** The server's leaf certificate and the rest of the chain it sent (leaf first). */
export interface PresentedChain {
  readonly leaf: X509Certificate;
  readonly chain: readonly X509Certificate[];
}

/** The verdict on a chain for `host`, or undefined when nothing in it explains the failure. */
export function judgeCertificate(
  presented: PresentedChain,
  host: string,
  trusted: readonly X509Certificate[] | undefined,
  now: Date = new Date(),
): string | undefined {
  const { leaf } = presented;
  const subject = describeName(leaf.subject);
  for (const cert of [leaf, ...presented.chain]) {
    const which = cert === leaf
      ? `the server's certificate (${subject})`
      : `the certificate ${describeName(cert.subject)} in the server's chain`;
    const from = new Date(cert.validFrom);
    const to = new Date(cert.validTo);
    if (now > to) {
      return `${which} expired on ${iso(to)}: renew it (this host's clock says ${iso(now)})`;
    }
    if (now < from) {
      return `${which} is not valid before ${iso(from)}: check this host's clock (it says ${iso(now)}) ` +
        "or the certificate's dates";
    }
  }
  if (!certificateNames(leaf, host)) {
    const names = leaf.subjectAltName ?? `no alternative names, ${subject}`;
    return `the server's certificate is for ${escapeControl(names)}, not ${host}: use one of those names ` +
      "in the endpoint, or reissue the certificate with this one";
  }
  const source = trusted === undefined ? "the system's CAs" : "the CA bundle given in server_verify";
  if (leaf.checkIssued(leaf) && safeVerify(leaf, leaf)) {
    return `the server's certificate (${subject}) is self-signed and not among ${source}: have it signed ` +
      "by a CA the agent trusts, or give that CA (or this certificate) in ssl: !SSL {server_verify: <file>}";
  }
  const signers = [...presented.chain, ...(trusted ?? [])];
  const signer = signers.find((ca) => leaf.checkIssued(ca) && safeVerify(leaf, ca));
  if (signer === undefined || (trusted !== undefined && !chainsTo(leaf, presented.chain, trusted))) {
    return `the server's certificate was signed by ${describeName(leaf.issuer)}, which is not among ` +
      `${source}: give that CA in ssl: !SSL {server_verify: <file>}`;
  }
  return undefined;
}

/**
 * Connects once more without verifying and judges what the server presents; undefined when the server
 * cannot be reached or its certificates explain nothing (the runtime's own message then stands).
 */
export function diagnoseTls(
  target: URL,
  options: TlsOptions,
  timeoutMs: number,
  address?: string,
): Promise<string | undefined> {
  const host = target.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve) => {
    let done = false;
    const end = (verdict: string | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(verdict);
    };
    // The address the failed request reached (a name may resolve to several).
    const socket = tls.connect({
      host: address ?? host,
      port: Number(target.port || 443),
      ...(isIP(host) ? {} : { servername: host }),
      ...(options.cert ? { cert: options.cert } : {}),
      ...(options.key ? { key: options.key } : {}),
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => end(undefined), Math.max(1, timeoutMs));
    socket.on("error", () => end(undefined));
    socket.on("secureConnect", () => {
      try {
        const presented = presentedChain(socket.getPeerCertificate(true));
        const trusted = options.ca === undefined ? undefined : parseBundle(options.ca);
        end(presented && judgeCertificate(presented, host, trusted));
      } catch {
        end(undefined);
      }
    });
  });
}

type PeerCertificate = { raw?: Uint8Array; issuerCertificate?: PeerCertificate };

function presentedChain(peer: PeerCertificate | undefined): PresentedChain | undefined {
  if (!peer?.raw) return undefined;
  const leaf = new X509Certificate(peer.raw);
  const chain: X509Certificate[] = [];
  // node:tls links each certificate to its issuer; a root points to itself. The chain is short.
  let next = peer.issuerCertificate;
  const seen = new Set<PeerCertificate>([peer]);
  while (next?.raw && !seen.has(next) && chain.length < 16) {
    seen.add(next);
    chain.push(new X509Certificate(next.raw));
    next = next.issuerCertificate;
  }
  return { leaf, chain };
}

/**
 * Whether the certificate is for `host` (RFC 6125: the alternative names; a wildcard stands for the
 * left-most label only; the subject's CN only when there are no DNS names). Our own check: Deno's
 * X509Certificate.checkHost accepts the CN even beside DNS names that do not match.
 */
export function certificateNames(cert: X509Certificate, host: string): boolean {
  const entries = (cert.subjectAltName ?? "").split(/,\s*/).filter(Boolean);
  if (isIP(host)) {
    const wanted = canonicalIp(host);
    return entries.some((entry) =>
      entry.startsWith("IP Address:") && canonicalIp(entry.slice(11)) === wanted
    );
  }
  const dns = entries.filter((entry) => entry.startsWith("DNS:")).map((entry) => entry.slice(4));
  const names = dns.length
    ? dns
    : (/(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? "").split("\0").filter(Boolean);
  const wanted = host.toLowerCase().replace(/\.$/, "");
  return names.some((name) => {
    const pattern = name.toLowerCase().replace(/\.$/, "");
    if (!pattern.startsWith("*.")) return pattern === wanted;
    const dot = wanted.indexOf(".");
    return dot > 0 && wanted.slice(dot) === pattern.slice(1);
  });
}

function canonicalIp(ip: string): string {
  const bare = ip.trim();
  if (isIP(bare) !== 6) return bare;
  try {
    return new URL(`http://[${bare}]/`).hostname;
  } catch {
    return bare;
  }
}

/** The certificates of a PEM bundle. */
export function parseBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const out: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      out.push(new X509Certificate(block));
    } catch {
      // A broken block: verification failed on it too; it vouches for nothing.
    }
  }
  return out;
}

/** Whether the leaf reaches a trusted certificate through the chain the server sent. */
function chainsTo(
  leaf: X509Certificate,
  chain: readonly X509Certificate[],
  trusted: readonly X509Certificate[],
): boolean {
  let current = leaf;
  for (let hops = 0; hops <= chain.length; hops++) {
    if (trusted.some((ca) => current.checkIssued(ca) && safeVerify(current, ca))) return true;
    const up = chain.find((ca) => ca !== current && current.checkIssued(ca) && safeVerify(current, ca));
    if (up === undefined) return false;
    current = up;
  }
  return false;
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** "CN=localhost\nO=Example" as node:crypto gives it → "CN=localhost, O=Example". */
function describeName(name: string): string {
  return escapeControl(name.split("\n").filter(Boolean).join(", "));
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
