/** Printed by the connector when it starts a PGlite target; docs quote it. */
export const PGLITE_WARNING =
  'PGlite is an embedded demonstration target, not a security boundary: it has no network logins, ' +
  'privileges hold only while a session keeps the role it was given (any session can SET ROLE back to the ' +
  'superuser), and VALID UNTIL is not enforced. Use it for demos and tests; point real targets at ' +
  'PostgreSQL or MySQL/MariaDB.';
