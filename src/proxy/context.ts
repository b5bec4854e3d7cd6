/** What the proxy's connection handlers share: configuration, credentials, certificates, and where events go. */

import type { AuditEntry } from "../audit/log.ts";
import type { CredentialSource } from "../auth/credentials.ts";
import type { Policy } from "../policy/mod.ts";
import type { Route } from "../providers/matcher.ts";
import type { SecureContext } from "node:tls";
import type { UpstreamConfig } from "./upstream.ts";

/** Something the CLI may want to tell the user about. */
export type ProxyEvent =
  | { readonly kind: "request"; readonly entry: AuditEntry }
  | {
    readonly kind: "ambiguous";
    readonly host: string;
    readonly providers: readonly [string, string];
  }
  | { readonly kind: "tunnel"; readonly host: string; readonly port: number }
  | {
    readonly kind: "denied";
    readonly host: string;
    readonly port: number;
    /** A plain http:// request rather than a CONNECT. */
    readonly plain?: boolean;
  }
  | { readonly kind: "upstream_error"; readonly host: string; readonly message: string }
  /** No certificate could be made for an intercepted host (a CA key that cannot be read, say). */
  | { readonly kind: "certificate_error"; readonly host: string; readonly message: string };

/** Everything a connection handler needs. */
export interface ProxyContext {
  /** The per-run token in the proxy URL. */
  readonly token: string;
  readonly runId: string;
  /** Routes of the providers that have a connection: only these hosts are intercepted. */
  readonly routes: readonly Route[];
  readonly credentials: CredentialSource;
  /** The TLS server context (leaf certificate) for an intercepted host. */
  readonly leaf: (host: string) => Promise<SecureContext>;
  /** The whole response to a plain-HTTP request for `http://authsome.local/` (the CA page). */
  readonly caPage?: (method: string, path: string) => Uint8Array;
  readonly upstream: UpstreamConfig;
  /** A request (CONNECT or plain http://) to a host no route matches gets 403 instead of going out. */
  readonly denyUnmatched: boolean;
  /** What each provider's credential may serve in this run (`--allow`, `--max-requests`). */
  readonly policy: Policy;
  /** Credentialed requests served so far, by provider, across every connection of the run. */
  readonly served: Map<string, number>;
  /** How long a client may take to send a request head. */
  readonly headerTimeoutMs: number;
  /** How long a keep-alive connection may sit idle. */
  readonly idleTimeoutMs: number;
  readonly emit: (event: ProxyEvent) => void;
}
