#!/usr/bin/env bash
# Adds a user to the SQL endpoint's users file, or changes its password (salted PBKDF2 hash,
# file readable by its owner only). Start the endpoint with --users-file FILE to require them.
# Usage: --help (the Java entry point's own, like every error message).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

journey_ensure_built
JOURNEY_DRIVER_MEMORY=256m journey_java com.journeyanalytics.jobs.serving.UsersFile "$@"
