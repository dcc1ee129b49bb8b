#!/usr/bin/env bash
# Writes sample exports (CRM, marketing, support, usage) in the input contract's layout.
# Options and usage: --help (the generator's own). See docs/sample-data.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

journey_ensure_built
# The generator prints its usage (--help), or a one-line reason and exits 2 (bad usage) or 1 (failure).
journey_sample_java com.journeyanalytics.jobs.sample.SampleDataGenerator "$@"
