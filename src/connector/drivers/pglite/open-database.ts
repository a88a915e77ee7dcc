import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../../log';
import { pgliteClass } from './load-pglite';
import { seedDemo } from './seed-demo';
import type { PgliteLocation } from './target-url';

/**
 * One PGlite instance per target, opened on first use and reused: a cold in-memory start costs seconds and
 * hundreds of megabytes, reopening a data directory about half a second. A failed open is forgotten so the
 * next call tries again. A target with `seed: demo` gets the demo schema on first open (idempotent).
 */
export class LazyDatabase {
  #opening: Promise<PGlite> | undefined;

  constructor(
    private readonly location: PgliteLocation,
    private readonly log: Logger,
    private readonly seed: 'demo' | undefined,
  ) {}

  get(): Promise<PGlite> {
    this.#opening ??= this.open().catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  async close(): Promise<void> {
    const opening = this.#opening;
    this.#opening = undefined;
    if (!opening) return;
    const db = await opening.catch(() => undefined);
    if (db && !db.closed) await db.close();
  }

  private async open(): Promise<PGlite> {
    const started = Date.now();
    const PGlite = pgliteClass();
    const db = this.location.storage === 'memory' ? await PGlite.create() : await PGlite.create(this.location.path);
    const { seeded } = this.seed === 'demo' ? await seedDemo(db) : { seeded: false };
    this.log.info({ storage: this.location.storage, openMs: Date.now() - started, seeded }, 'pglite opened');
    return db;
  }
}
