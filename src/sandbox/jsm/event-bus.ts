import type { ForgeProductEvent } from './types';

export type EventDelivery = {
  /** Deliver every event twice, as at-least-once delivery may. */
  duplicate: boolean;
  /** Hold events and deliver each pair in reverse order (the rest on flush). */
  reorder: boolean;
};

type Listener = (event: ForgeProductEvent) => void;

/**
 * Emits product events after the change that caused them has been committed and answered:
 * delivery happens on a later turn of the event loop, never inside the REST call.
 */
export class EventBus {
  readonly emitted: ForgeProductEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private delivery: EventDelivery = { duplicate: false, reorder: false };
  private held: ForgeProductEvent[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  configure(delivery: Partial<EventDelivery>): void {
    this.delivery = { ...this.delivery, ...delivery };
    if (!this.delivery.reorder) this.release(this.held.splice(0));
  }

  emit(event: ForgeProductEvent): void {
    this.emitted.push(event);
    if (!this.delivery.reorder) {
      this.release([event]);
      return;
    }
    this.held.push(event);
    if (this.held.length >= 2) this.release(this.held.splice(0).reverse());
  }

  /** Releases held events (newest first) and resolves once every scheduled delivery has run. */
  async flush(): Promise<void> {
    this.release(this.held.splice(0).reverse());
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private release(events: ForgeProductEvent[]): void {
    for (const event of events) {
      const copies = this.delivery.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i += 1) this.schedule(event);
    }
  }

  private schedule(event: ForgeProductEvent): void {
    this.inFlight += 1;
    setImmediate(() => {
      for (const listener of this.listeners) {
        // A listener's failure is its own business (the runtime records it); it must not stop the others.
        try {
          listener(structuredClone(event));
        } catch {
          /* ignored by design */
        }
      }
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }
}
