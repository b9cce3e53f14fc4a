/**
 * The loop shared by the workers of requests a page stored and answered before looking anything up
 * ("send me a link", "email me an unlock link"): one pass when the page announces a request, one every
 * `intervalMs` for requests a stop left behind, never two passes at once.
 */
import { domainEvents, type DomainEventName } from '../lib/domain-events.js';
import type { Logger } from '../lib/logger.js';

export interface RequestWorker {
  stop(): Promise<void>;
}

export function startRequestWorker(options: {
  event: DomainEventName;
  pass: () => Promise<unknown>;
  logger: Logger;
  failure: string;
  intervalMs: number;
}): RequestWorker {
  let running: Promise<void> | null = null;
  let again = false;
  const pass = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = options
      .pass()
      .then(
        () => undefined,
        (error: unknown) => options.logger.error({ err: error }, options.failure),
      )
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          pass();
        }
      });
  };
  const unsubscribe = domainEvents.subscribe(options.event, pass);
  const timer = setInterval(pass, options.intervalMs);
  timer.unref();
  pass();
  return {
    async stop() {
      unsubscribe();
      clearInterval(timer);
      await running;
    },
  };
}
