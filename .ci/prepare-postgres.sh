#!/usr/bin/env bash
# PostgreSQL for the integration tests: the admin user `postgres` keeps trust on loopback, every other user must
# present a password over TCP, so tests can prove that a password works, that a rotated one does not, and that
# VALID UNTIL refuses a login (trust authentication would skip all three). Idempotent.
set -euo pipefail
hba=$(psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SHOW hba_file')
if ! grep -q '^# jit-test-auth' "$hba"; then
  cp "$hba" "$hba.before-jit"
  {
    echo '# jit-test-auth: admin trusted, everyone else by password'
    echo 'local all all trust'
    echo 'host all postgres 127.0.0.1/32 trust'
    echo 'host all all 127.0.0.1/32 scram-sha-256'
    echo 'host all all ::1/128 scram-sha-256'
  } > "$hba"
  psql -h 127.0.0.1 -U postgres -d postgres -tAc 'SELECT pg_reload_conf()' >/dev/null
fi
