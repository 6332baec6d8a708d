#!/usr/bin/env bash
# System packages the tests need beyond Python's: ICU headers (PyICU may compile against them) and
# Debian's Chromium (the web pages are tested in it), and a Java runtime for PySpark. Installed when missing and we may (root + apt);
# otherwise a note, and the tests that need them say so.
set -uo pipefail
# Pango and fonts: WeasyPrint renders the case files' PDFs with them (DejaVu for Latin, Cyrillic, Arabic,
# Greek, Hebrew; Noto CJK for the Korean, Chinese and Japanese names the lists hold).
wanted=(libicu-dev pkg-config g++ chromium libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-cjk)
missing=()
for package in "${wanted[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# A Java runtime for PySpark (the Spark job's tests run real Spark in local mode): any one will do.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "note: missing system packages ${missing[*]} (install them as root: apt-get install ${missing[*]})" >&2
fi
