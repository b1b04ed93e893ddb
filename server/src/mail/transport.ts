// Every way a message can leave Mailwright implements this one interface.

export interface OutgoingMessage {
  emailId: string;
  projectId: string;
  messageId: string;
  subject: string;
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

export interface SendResult {
  response: string;
  /** The provider's own id for the message (SES MessageId), matched later by its notifications. */
  providerMessageId?: string;
  /** Which transport accepted it, when a wrapper (failover) chose among several. */
  transport?: string;
}

export interface Transport {
  readonly name: string;
  send(message: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}

export interface TransportErrorOptions {
  /** The provider asked us to slow down (SES 429, sending-rate or quota limits). */
  throttled?: boolean;
  /**
   * A permanent refusal of this recipient (a hard bounce, e.g. SMTP 550). Defaults to `permanent`;
   * false when the message or the account was refused, which says nothing about the address.
   */
  recipientRejected?: boolean;
}

/** A delivery attempt that failed. `permanent` means retrying cannot help (e.g. SMTP 5xx). */
export class TransportError extends Error {
  readonly throttled: boolean;
  readonly recipientRejected: boolean;
  constructor(
    message: string,
    public readonly permanent: boolean,
    public readonly responseCode?: number,
    opts: TransportErrorOptions = {},
  ) {
    super(message);
    this.name = 'TransportError';
    this.throttled = opts.throttled ?? false;
    this.recipientRejected = opts.recipientRejected ?? permanent;
  }
}
