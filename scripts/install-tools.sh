#!/usr/bin/env bash
# Installs the third-party tools the tests drive: Debian's Chromium (Playwright runs it),
# Java (the Nu Html Checker), tmux, bubblewrap (the code cells' sandbox), and the npm
# packages that check our output (axe-core, vnu-jar, scorm-again, gift-pegjs, and the QTI
# converter and player @citolab/qti-convert + @citolab/qti-components), and the checkers of
# our own JavaScript (typescript's tsc, ESLint with its recommended rules and globals).
# Idempotent: a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-liberation >/dev/null 2>&1 || need+=(fonts-liberation)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

NPM_TOOLS=.tools/npm
NPM_WANT="axe-core@4.14.1 vnu-jar@26.9.27 scorm-again@3.4.3 gift-pegjs@1.0.2 @citolab/qti-convert@0.3.52 @citolab/qti-components@7.27.4 typescript@5.9.3 eslint@9.39.5 @eslint/js@9.39.5 globals@16.3.0"
if [ "$(cat "$NPM_TOOLS/.installed" 2>/dev/null)" != "$NPM_WANT" ]; then
  mkdir -p "$NPM_TOOLS"
  # shellcheck disable=SC2086
  npm install --prefix "$NPM_TOOLS" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error $NPM_WANT
  echo "$NPM_WANT" > "$NPM_TOOLS/.installed"
fi
