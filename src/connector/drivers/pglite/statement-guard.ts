/**
 * Spots SQL text that changes the session's role. A DEMO GUARD, NOT A SECURITY BOUNDARY: PGlite's session
 * user is the superuser, so any statement that manages to change the role (one built as a string inside a
 * DO block or a function, say) gets the superuser back. runAs also checks the role after the statement.
 */
const ROLE_CHANGES = [
  // SET ROLE, SET SESSION ROLE, SET LOCAL ROLE, RESET ROLE, SET "role" TO …
  /\b(?:set|reset)\s+(?:(?:session|local)\s+)?"?role"?(?![\w$])/i,
  // SET SESSION AUTHORIZATION, RESET SESSION AUTHORIZATION, SET session_authorization TO …
  /\b(?:set|reset)\s+(?:(?:session|local)\s+)?(?:session\s+authorization|"?session_authorization"?)(?![\w$])/i,
  // set_config('role', …) and set_config('session_authorization', …)
  /\bset_config\s*\(/i,
];

/** Comments removed first, so `SET/**\/ROLE` is caught too. */
function withoutComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, ' ');
}

export function changesRole(sql: string): boolean {
  const text = withoutComments(sql);
  return ROLE_CHANGES.some((pattern) => pattern.test(text));
}
