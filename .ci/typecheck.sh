#!/usr/bin/env bash
# mypy on the public API: maxcert/__init__.py's names and the CLI entry (configuration: [tool.mypy] in
# pyproject.toml). pyproject maps graphs/, verify/ and symbolic/ into maxcert.*, which mypy cannot see
# through an editable install, so it reads a temporary tree of symlinks laid out as the wheel installs
# them, and its messages are given back with the repository's paths.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir "$tree/maxcert"
for f in maxcert/*.py; do ln -s "$root/$f" "$tree/maxcert/"; done
for pkg in graphs verify symbolic; do ln -s "$root/$pkg" "$tree/maxcert/$pkg"; done
# the files that define maxcert/__init__.py's names and maxcert.cli:main, as the wheel installs them
files="maxcert/__init__.py maxcert/cli.py maxcert/errors.py maxcert/images.py
       maxcert/graphs/__init__.py maxcert/graphs/schema.py maxcert/graphs/generators.py maxcert/graphs/evaluate.py
       maxcert/graphs/readwrite/__init__.py maxcert/verify/__init__.py maxcert/verify/certificates.py
       maxcert/verify/certify.py maxcert/verify/domains.py maxcert/verify/pools.py maxcert/verify/relative.py
       maxcert/symbolic/__init__.py maxcert/symbolic/families.py maxcert/symbolic/optimal.py maxcert/symbolic/tradeoff.py"
args=()
for f in $files; do args+=("$tree/$f"); done
cd "$tree"
status=0
python -m mypy --config-file "$root/pyproject.toml" "${args[@]}" > "$tree/out.txt" 2>&1 || status=$?
sed -e "s#$tree/##g" -e "s#^maxcert/\(graphs\|verify\|symbolic\)/#\1/#" "$tree/out.txt"
exit $status
