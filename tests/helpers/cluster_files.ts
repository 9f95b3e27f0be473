/**
 * The files a Kubernetes or Mesos example config names on a cluster node (the pod's service-account
 * token and CA, the kubelet's CA, client certificates), made for the test: a throw-away PKI and a token
 * in a private directory, and the config's paths pointed there. The examples then load for real
 * (every !SSL file read, the token checked) instead of stopping at the first missing file.
 */
import { makeTestPki } from "./tls.ts";

export const CLUSTER_DIRS: readonly string[] = [
  "/var/run/secrets/kubernetes.io/serviceaccount/",
  "/var/lib/kubelet/pki/",
  "/etc/wca/pki/",
];

export function namesClusterFiles(text: string): boolean {
  return CLUSTER_DIRS.some((dir) => text.includes(dir));
}

/** Runs `body` with `text`'s cluster paths replaced by made-up files of the right kind. */
export async function withClusterFiles<T>(text: string, body: (text: string) => Promise<T>): Promise<T> {
  const pki = await makeTestPki();
  try {
    let rewritten = text;
    for (const [index, dir] of CLUSTER_DIRS.entries()) {
      const local = `${pki.dir}/cluster${index}/`;
      Deno.mkdirSync(local, { recursive: true });
      const escaped = dir.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      for (const match of text.matchAll(new RegExp(`${escaped}([\\w.-]+)`, "g"))) {
        const name = match[1]!;
        const source = name.includes("token")
          ? undefined
          : name.endsWith(".key")
          ? pki.clientKeyPath
          : name.includes("client")
          ? pki.clientCertPath
          : pki.caPath;
        if (source === undefined) {
          Deno.writeTextFileSync(`${local}${name}`, "eyJhbGciOiJSUzI1NiJ9.test.token\n");
        } else Deno.copyFileSync(source, `${local}${name}`);
        Deno.chmodSync(`${local}${name}`, 0o600);
      }
      rewritten = rewritten.replaceAll(dir, local);
    }
    return await body(rewritten);
  } finally {
    await pki.remove();
  }
}
