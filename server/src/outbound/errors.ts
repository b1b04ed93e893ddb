/**
 * What outboundRequest throws. Messages name the host and/or address involved, never a header value,
 * URL credentials or query string, so they are safe to store in a step's output or a delivery log.
 */
export type OutboundErrorCode = 'OUTBOUND_BLOCKED' | 'OUTBOUND_TIMEOUT' | 'OUTBOUND_NETWORK' | 'OUTBOUND_TOO_MANY_REDIRECTS';

export abstract class OutboundError extends Error {
  abstract readonly code: OutboundErrorCode;
}

/** The SSRF guard refused the destination (scheme, URL, host name or address); no socket was opened to it. */
export class OutboundBlockedError extends OutboundError {
  readonly code = 'OUTBOUND_BLOCKED' as const;
  constructor(
    /** Why, e.g. `169.254.169.254 is link-local / cloud metadata (169.254.0.0/16)`. */
    readonly reason: string,
    /** The host name or IP literal of the refused hop, when the URL got that far. */
    readonly host?: string,
    /** The offending address, when one was involved. */
    readonly address?: string,
  ) {
    super(`Outbound request blocked: ${reason}`);
    this.name = 'OutboundBlockedError';
  }
}

/** The whole exchange (DNS, connect, every redirect hop, reading the body) took longer than timeoutMs. */
export class OutboundTimeoutError extends OutboundError {
  readonly code = 'OUTBOUND_TIMEOUT' as const;
  constructor(readonly timeoutMs: number) {
    super(`Outbound request timed out after ${timeoutMs} ms`);
    this.name = 'OutboundTimeoutError';
  }
}

/** Connecting, TLS or HTTP failed (refused, reset, bad certificate, invalid header …). */
export class OutboundNetworkError extends OutboundError {
  readonly code = 'OUTBOUND_NETWORK' as const;
  constructor(
    message: string,
    /** The Node error code (`ECONNREFUSED`, `CERT_HAS_EXPIRED` …), when there was one. */
    readonly causeCode?: string,
  ) {
    super(message);
    this.name = 'OutboundNetworkError';
  }
}

/** More than maxRedirects redirects were offered. */
export class OutboundTooManyRedirectsError extends OutboundError {
  readonly code = 'OUTBOUND_TOO_MANY_REDIRECTS' as const;
  constructor(readonly maxRedirects: number) {
    super(`Outbound request exceeded ${maxRedirects} redirects`);
    this.name = 'OutboundTooManyRedirectsError';
  }
}
