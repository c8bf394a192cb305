#!/bin/sh
# Build the Linux one-folder bundle: installer/dist/registratura/clinic-crm.
set -eu
cd "$(dirname "$0")/.."
# The compiled translation must be fresh: the bundle ships resources/ as it is.
uv run pyinstaller installer/registratura-linux.spec --noconfirm \
    --distpath installer/dist --workpath installer/build "$@"
echo "built: installer/dist/registratura ($(du -sh installer/dist/registratura | cut -f1))"
