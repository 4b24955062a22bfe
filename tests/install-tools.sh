#!/usr/bin/env bash
# Installs the real clients the tests read outputs back with, from Debian's packages, when any is missing.
set -euo pipefail
missing=()
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v qpdf >/dev/null || missing+=(qpdf)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
# Writer converts the DOCX files, Calc the XLSX: soffice alone proves neither.
installed libreoffice-writer-nogui || installed libreoffice-writer || missing+=(libreoffice-writer-nogui)
installed libreoffice-calc-nogui || installed libreoffice-calc || missing+=(libreoffice-calc-nogui)
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
