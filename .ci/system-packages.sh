#!/bin/sh
# Debian packages Campus needs beside its Python ones: WeasyPrint's libraries (Pango, HarfBuzz
# with its subsetter: without libharfbuzz-subset0 every certificate takes 5 to 6 times longer)
# and the DejaVu fonts the certificates are set in. `--test` adds poppler-utils (pdftoppm,
# pdftotext), which the tests use to look at the PDFs. Installs only what is missing.
set -eu
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core fonts-dejavu-extra"
if [ "${1:-}" = "--test" ]; then
  PACKAGES="$PACKAGES poppler-utils"
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian system: install Pango, HarfBuzz with its subset library and the DejaVu" >&2
  echo "fonts with your package manager (WeasyPrint's documentation lists them)." >&2
  exit 0
fi
missing=""
for package in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Campus needs these Debian packages:$missing" >&2
  echo "Install them with: sudo apt-get install$missing" >&2
  exit 1
fi
echo "Installing system packages:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
