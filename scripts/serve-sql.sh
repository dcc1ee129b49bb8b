#!/usr/bin/env bash
# Serves the warehouse's tables and BI views over the HiveServer2 protocol (Spark Thrift Server)
# for Superset, JDBC clients and notebooks. Prints one line "ready jdbc:hive2://HOST:PORT/journey"
# on stdout once it accepts connections; logs go to stderr. Stop it with SIGTERM (or Ctrl-C).
# Read-only. With the local default metastore it serves the metastore to nightly runs (a Derby
# network server on loopback, started and stopped with it), so run-local.sh works meanwhile.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: scripts/serve-sql.sh [--warehouse URI] [--host H] [--port P] [--conf FILE]
                            [--spark-conf KEY=VALUE ...] [--users-file FILE]
                            [--keystore FILE [--keystore-password-file FILE]]
                            [--allow-unauthenticated-remote] [--allow-plaintext-remote]
Starts a read-only HiveServer2-protocol SQL endpoint over the warehouse (default data/warehouse,
env JOURNEY_WAREHOUSE), by default on 127.0.0.1:10000 without authentication. Superset connects
with hive://HOST:PORT/journey, JDBC clients with jdbc:hive2://HOST:PORT/journey.
  --users-file FILE    require user and password (add users with scripts/sql-user.sh FILE USER)
  --keystore FILE      TLS with this keystore; password in JOURNEY_KEYSTORE_PASSWORD or
                       --keystore-password-file
A host other than loopback needs both (or LDAP/Kerberos via --spark-conf), unless
--allow-unauthenticated-remote / --allow-plaintext-remote is given. See docs/serving.md.
Environment: JOURNEY_WAREHOUSE, JOURNEY_CONF, JOURNEY_DRIVER_MEMORY (default 4g),
JOURNEY_KEYSTORE_PASSWORD.
Exit status: 0 stopped by SIGTERM/SIGINT, 1 could not start, 2 bad usage or configuration.
USAGE
  exit 0
fi

journey_ensure_built
# journey_java execs the JVM, so SIGTERM reaches it and stops the endpoint cleanly (status 0).
JOURNEY_DRIVER_MEMORY="${JOURNEY_DRIVER_MEMORY:-4g}" journey_java com.journeyanalytics.jobs.serving.SqlServer "$@"
