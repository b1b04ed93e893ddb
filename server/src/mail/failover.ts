import { TransportError, type OutgoingMessage, type SendResult, type Transport } from './transport.js';

export interface FailoverOptions {
  /** Consecutive temporary failures (throttling included) of the transport in use before moving to the next. */
  failAfter: number;
  /** How long a transport we moved away from rests before one message probes it again. */
  recoverySeconds: number;
  now: () => number;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

const isTemporary = (err: unknown) => !(err instanceof TransportError && err.permanent);

/**
 * An ordered list of transports, most preferred first. Temporary failures and throttling count against
 * the transport in use; after `failAfter` in a row the next one takes over, and the message that tripped
 * the switch goes out through it at once. A transport we left is probed with a single message once its
 * cool-down is over: success (or a permanent refusal, which proves it answers) makes it current again.
 * Permanent failures are about the recipient or the message, so they never move us.
 */
export function createFailoverTransport(transports: Transport[], opts: FailoverOptions): Transport {
  if (transports.length === 0) throw new Error('failover needs at least one transport');
  let current = 0;
  let failures = 0;
  let probing = false;
  /** When we moved away from each transport (ms), for its recovery probe. */
  const leftAt: (number | undefined)[] = transports.map(() => undefined);

  const deliver = async (i: number, message: OutgoingMessage): Promise<SendResult> => {
    const result = await transports[i].send(message);
    return { ...result, transport: result.transport ?? transports[i].name };
  };

  const probeCandidate = () => {
    if (probing) return undefined;
    const due = leftAt.findIndex((t, j) => j < current && t !== undefined && opts.now() - t >= opts.recoverySeconds * 1000);
    return due === -1 ? undefined : due;
  };

  const useTransport = (i: number, why: object, msg: string) => {
    opts.log?.[i < current ? 'info' : 'warn']({ from: transports[current].name, to: transports[i].name, ...why }, msg);
    if (i > current) leftAt[current] = opts.now(); // moving away: its cool-down starts now
    leftAt[i] = undefined;
    current = i;
    failures = 0;
  };

  async function probe(j: number, message: OutgoingMessage): Promise<SendResult | undefined> {
    probing = true;
    try {
      const result = await deliver(j, message);
      useTransport(j, {}, 'preferred transport recovered; switching back');
      return result;
    } catch (err) {
      if (!isTemporary(err)) {
        useTransport(j, {}, 'preferred transport answers again; switching back');
        throw err;
      }
      leftAt[j] = opts.now(); // still down: rest again, and this message goes through the current one
      opts.log?.warn({ transport: transports[j].name, reason: (err as Error).message }, 'recovery probe failed');
      return undefined;
    } finally {
      probing = false;
    }
  }

  return {
    name: `failover(${transports.map((t) => t.name).join(',')})`,
    async send(message) {
      const j = probeCandidate();
      if (j !== undefined) {
        const result = await probe(j, message);
        if (result) return result;
      }
      for (;;) {
        const i = current;
        try {
          const result = await deliver(i, message);
          if (current === i) failures = 0;
          return result;
        } catch (err) {
          if (current !== i) continue; // another message already switched: use the new one
          if (!isTemporary(err)) {
            failures = 0; // it answered; the refusal is about this recipient or message
            throw err;
          }
          failures += 1;
          if (failures < opts.failAfter || i + 1 >= transports.length) throw err;
          useTransport(i + 1, { failures, reason: (err as Error).message }, 'transport keeps failing; switching to the next');
        }
      }
    },
    async close() {
      await Promise.all(transports.map((t) => t.close()));
    },
  };
}
