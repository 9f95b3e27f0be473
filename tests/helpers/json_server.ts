/**
 * A real local HTTP(S) server for the orchestrator-node tests: it answers as `behaviour` says (a JSON
 * document, an HTTP error, garbage, a truncated body, silence) and records the requests it got. HTTPS
 * uses certificates from makeTestPki(); `requireClientCert` makes it a kubelet that wants one.
 */
import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { TestPki } from "./tls.ts";

export type Behaviour =
  | { kind: "json"; body: unknown }
  /** A JSON text made in advance (large answers are not serialised per request). */
  | { kind: "text"; text: string }
  | { kind: "status"; status: number; body?: string }
  | { kind: "garbage" }
  /** Declares the whole document's length, sends half and closes. */
  | { kind: "truncated"; body: unknown }
  /** Accepts the request and never answers. */
  | { kind: "hang" }
  /** Sends the headers and part of the body, then nothing. */
  | { kind: "stall"; body: unknown }
  /** Sends the headers, then the body one byte a second. */
  | { kind: "trickle"; body: unknown };

export interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
  clientCertificate: string | undefined;
}

export interface JsonServer {
  readonly port: number;
  readonly url: string;
  behaviour: Behaviour;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export interface ServerOptions {
  /** HTTPS with this PKI's server certificate; plain HTTP without. */
  pki?: TestPki;
  requireClientCert?: boolean;
  /** The loopback address to listen on: "127.0.0.1" (default) or "::1". */
  host?: "127.0.0.1" | "::1";
}

export async function startJsonServer(
  behaviour: Behaviour,
  options: ServerOptions = {},
): Promise<JsonServer> {
  const sockets = new Set<Socket>();
  const requests: SeenRequest[] = [];
  const state = { behaviour };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    let body = "";
    req.on("data", (chunk) => body += chunk);
    req.on("end", () => {
      // deno-lint-ignore no-explicit-any
      const peer = (req.socket as any).getPeerCertificate?.();
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        authorization: req.headers.authorization,
        body,
        clientCertificate: peer?.subject?.CN,
      });
      answer(state.behaviour, res);
    });
  };
  const read = (path: string) => Deno.readTextFileSync(path);
  const server = options.pki
    ? https.createServer({
      cert: read(options.pki.serverCertPath),
      key: read(options.pki.serverKeyPath),
      ca: read(options.pki.caPath),
      requestCert: options.requireClientCert ?? false,
      rejectUnauthorized: options.requireClientCert ?? false,
    }, handler)
    : http.createServer(handler);
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("secureConnection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `${options.pki ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value: Behaviour) {
      state.behaviour = value;
    },
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(behaviour: Behaviour, res: http.ServerResponse): void {
  switch (behaviour.kind) {
    case "json":
      send(res, 200, JSON.stringify(behaviour.body));
      return;
    case "text":
      send(res, 200, behaviour.text);
      return;
    case "status":
      send(res, behaviour.status, behaviour.body ?? "Internal Server Error");
      return;
    case "garbage":
      send(res, 200, "<html><body>Welcome to nginx!</body></html>\u001b[2J");
      return;
    case "truncated": {
      const text = JSON.stringify(behaviour.body);
      res.writeHead(200, { "content-type": "application/json", "content-length": String(text.length) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      res.socket?.destroy();
      return;
    }
    case "stall": {
      const text = JSON.stringify(behaviour.body);
      res.writeHead(200, { "content-type": "application/json", "content-length": String(text.length) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    case "trickle": {
      const text = JSON.stringify(behaviour.body);
      res.writeHead(200, { "content-type": "application/json", "content-length": String(text.length) });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < text.length) res.write(text[sent++]);
      }, 1000);
      res.on("close", () => clearInterval(timer));
      return;
    }
    case "hang":
      return;
  }
}

function send(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** A loopback port nothing listens on (bound, then released): connecting to it is refused. */
export function refusedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
