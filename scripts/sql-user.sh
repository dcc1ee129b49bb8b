#!/usr/bin/env bash
# Adds a user to the SQL endpoint's users file, or changes its password (salted PBKDF2 hash,
# file readable by its owner only). Start the endpoint with --users-file FILE to require them.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [[ $# -ne 2 || "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: scripts/sql-user.sh USERS_FILE USER
Asks for USER's password twice (or reads it from the first line of stdin when not on a terminal)
and stores a salted PBKDF2-HMAC-SHA256 hash of it in USERS_FILE. Users added while the endpoint
runs can log in at once. See docs/serving.md.
USAGE
  [[ $# -eq 2 ]] && exit 0 || exit 2
fi

journey_ensure_built
JOURNEY_DRIVER_MEMORY=256m journey_java com.journeyanalytics.jobs.serving.UsersFile "$@"
