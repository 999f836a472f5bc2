#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (GraphiQL offline) when it is missing.
# Playwright's own browser download cannot reach its host from these machines.
set -euo pipefail
if ! command -v chromium >/dev/null; then
  echo "== installing chromium from Debian's packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
