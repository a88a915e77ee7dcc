import { z } from 'zod';

export type Flavour = 'mysql' | 'mariadb';

export const versionRow = z.object({ version: z.string(), comment: z.string().nullable() });

/**
 * MariaDB says so in VERSION() ("10.11.19-MariaDB-0+deb12u1"); distribution builds sometimes say it only in
 * @@version_comment ("mariadb.org binary distribution"), so both are looked at.
 */
export function flavourOf(row: z.infer<typeof versionRow>): Flavour {
  return /mariadb/i.test(`${row.version} ${row.comment ?? ''}`) ? 'mariadb' : 'mysql';
}
