import { z } from 'zod';

/**
 * What a gateway target's access level may carry in `guard:`. Each refuses a class of statement before it
 * reaches the database: `no-ddl` any schema or privilege change, `no-drop` dropping or truncating anything,
 * `no-unqualified-write` an UPDATE or DELETE without WHERE (and TRUNCATE), `read-only` anything but reading.
 */
export const guardSchema = z.enum(['no-ddl', 'no-drop', 'no-unqualified-write', 'read-only']);

export type Guard = z.infer<typeof guardSchema>;
