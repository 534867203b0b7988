#!/usr/bin/env bash
# docs/cli.md must be what scripts/gen-cli-doc.sh makes from the CLI's --help texts.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
if ! diff -u "$root/docs/cli.md" <("$root/scripts/gen-cli-doc.sh" "$1"); then
  echo "docs/cli.md is out of date: run scripts/gen-cli-doc.sh $1 > docs/cli.md" >&2
  exit 1
fi
echo "ok: docs/cli.md matches every command's --help"
