#!/bin/sh
# Installs what EndpointsPageBrowserIT needs (Debian chromium + chromium-driver); does nothing when both are there.
# Without them the IT is skipped, so CI without a browser still passes. Needs root (apt-get).
set -eu
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium chromium-driver
/usr/bin/chromium --version
/usr/bin/chromedriver --version
