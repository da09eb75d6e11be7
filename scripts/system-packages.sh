#!/usr/bin/env bash
# Installs the Debian packages the application and its tests need, when they are missing.
# As root it runs apt-get; as any other user it names the packages to install and stops.
set -euo pipefail

packages=(
  fonts-noto-cjk          # Chinese fonts for pages, PDFs and Excel print-outs
  libharfbuzz-subset0     # WeasyPrint embeds font subsets with it
  libpango-1.0-0          # WeasyPrint text layout
  libpangoft2-1.0-0
  gettext                 # compiles the translations
  poppler-utils           # pdftotext / pdftoppm, used by the tests
  chromium                # the browser the Playwright tests drive
  faketime                # runs the demo and the tests under moved clocks (CI)
)
# Debian's python3 has no venv module without python3-venv.
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  packages+=(python3-venv)
fi

missing=()
for pkg in "${packages[@]}"; do
  [[ $pkg == \#* ]] && continue
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "These system packages are missing: ${missing[*]}" >&2
  echo "Install them as root, then run make again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
