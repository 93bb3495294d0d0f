#!/usr/bin/env bash
# Prepare a fresh machine: the Debian libraries and fonts WeasyPrint needs, LibreOffice
# for decks in other formats, Chromium and axe-core for the accessibility tests, then a
# virtual environment in .venv with eventreport and its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: the browser the WCAG tests audit the HTML in (tests/a11y.py); Playwright
# cannot download its own browser here. nodejs/npm only where npm is missing, and Java
# (for the Nu HTML checker, vnu-jar) only where there is none.
# fonts-symbola: outline emoji, so a quoted 👍 is drawn (and embedded, as PDF/UA needs).
debian=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-symbola
  poppler-utils chromium)
command -v npm >/dev/null || debian+=(nodejs npm)
command -v java >/dev/null || debian+=(default-jre-headless)
# LibreOffice (no GUI) converts .ppt/.odp/.key decks and draws slides shown as pictures
# (docs/decks.md), always inside a bubblewrap sandbox; Carlito and Caladea have the
# metrics of Calibri and Cambria, PowerPoint's default typefaces, so lines break as the
# speaker saw them. Without recommends: about 100 MB to download on a fresh machine.
lean=(libreoffice-impress-nogui bubblewrap fonts-crosextra-carlito fonts-crosextra-caladea)
missing=()
for pkg in "${debian[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
missing_lean=()
for pkg in "${lean[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing_lean+=("$pkg")
done
if ((${#missing[@]} + ${#missing_lean[@]})); then
  echo "Installing Debian packages: ${missing[*]} ${missing_lean[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  if ((${#missing[@]})); then
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ((${#missing_lean[@]})); then
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
      "${missing_lean[@]}" >/dev/null
  fi
fi

# axe-core, vnu-jar and html_codesniffer, exactly as package-lock.json pins them; again
# whenever the lock file changes. No install scripts: vnu-jar's would download a Java
# runtime from the internet, and Debian's Java is used instead.
if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing axe-core, vnu-jar and html_codesniffer (npm ci)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
echo "Ready: .venv holds eventreport $(.venv/bin/python -c 'import eventreport; print(eventreport.__version__)')."
