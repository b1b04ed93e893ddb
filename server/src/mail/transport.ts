// Every way a message can leave Mailwright implements this one interface.

export interface OutgoingMessage {
  emailId: string;
  projectId: string;
  messageId: string;
  subject: string;
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

export interface Transport {
  readonly name: string;
  send(message: OutgoingMessage): Promise<{ response: string }>;
  close(): Promise<void>;
}

/** A delivery attempt that failed. `permanent` means retrying cannot help (e.g. SMTP 5xx). */
export class TransportError extends Error {
  constructor(
    message: string,
    public readonly permanent: boolean,
    public readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
