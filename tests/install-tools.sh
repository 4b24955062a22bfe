#!/usr/bin/env bash
# Installs the real clients the tests read outputs back with, from Debian's packages, when any is missing.
set -euo pipefail
missing=()
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v qpdf >/dev/null || missing+=(qpdf)
command -v soffice >/dev/null || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
/usr/bin/python3 -c 'import docx' 2>/dev/null || missing+=(python3-docx)
command -v chromium >/dev/null || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing test tools: ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "run as root, or install these Debian packages first: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
