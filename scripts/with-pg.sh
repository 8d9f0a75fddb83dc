#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server: BAMBOO_DOCTOR_TEST_PG names it; stopped and deleted on exit.
#   scripts/with-pg.sh npm test            (what `npm run test:pg` and .ci/run do)
#   scripts/with-pg.sh npx vitest run test/store
# Needs PostgreSQL's server binaries (Debian: apt-get install postgresql). postgres refuses to run as root, so as
# root the server runs as the `postgres` user (created by Debian's package) or, failing that, `nobody`.
set -euo pipefail

bindir=""
if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
  bindir="$(dirname "$(command -v initdb)")"
else
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bindir="$d"; done
fi
if [ -z "$bindir" ]; then
  echo "with-pg: PostgreSQL's initdb/pg_ctl not found (Debian: apt-get install postgresql)" >&2
  exit 2
fi

as=()
dir="$(mktemp -d "${TMPDIR:-/tmp}/bamboo-doctor-pg.XXXXXX")"
if [ "$(id -u)" -eq 0 ]; then
  user=postgres; id "$user" >/dev/null 2>&1 || user=nobody
  chown "$user" "$dir"
  as=(runuser -u "$user" --)
fi

# A free TCP port on the loopback interface, chosen by the kernel.
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
password="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"

stop() {
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

printf '%s\n' "$password" >"$dir/pw"
chmod 644 "$dir/pw"
"${as[@]}" "$bindir/initdb" -D "$dir/data" -U bamboo_doctor --pwfile="$dir/pw" --auth-local=trust \
  --auth-host=scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.out" 2>&1 || { cat "$dir/initdb.out" >&2; exit 2; }
# Throwaway data: no fsync. The socket stays in the data directory, not in a system folder that may not exist.
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start || { cat "$dir/server.log" >&2; exit 2; }

export BAMBOO_DOCTOR_TEST_PG="postgres://bamboo_doctor:$password@127.0.0.1:$port/postgres"
echo "with-pg: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (BAMBOO_DOCTOR_TEST_PG set)" >&2
status=0
"$@" || status=$?
exit $status
