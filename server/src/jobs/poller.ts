import type { Logger } from 'pino';

export interface Poller {
  /** Stops scheduling ticks and waits for the one in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Runs `tick` every `intervalMs`, the next only after the last one finished, so ticks never overlap in a
 * process (other processes are kept apart by the ticks' own row locks). A failing tick is logged and
 * retried on the next one. The timer is unref'd: a poller never keeps the process alive.
 */
export function startPoller(opts: { intervalMs: number; log: Logger; what: string; tick: () => Promise<unknown> }): Poller {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | null = null;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = opts
        .tick()
        .then(() => undefined)
        .catch((err) => {
          if (!stopped) opts.log.error({ err }, `${opts.what} failed; retrying on the next tick`);
        })
        .finally(() => {
          current = null;
          schedule();
        });
    }, opts.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
