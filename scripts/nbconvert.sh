#!/usr/bin/env bash
# Execute notebooks under real Jupyter (nbconvert + the committed tslab
# kernelspec in jupyter/kernels/tslab), as a cross-check of the Node-only
# runner (`npm run notebooks`). Outputs go to a temporary folder; the
# notebooks themselves are never modified.
#
#   scripts/nbconvert.sh                 # every notebooks/*.ipynb
#   scripts/nbconvert.sh path/a.ipynb    # just these
#
# Exit status: 0 when every notebook ran, 1 otherwise, 2 when Jupyter is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

jupyter_bin="${JUPYTER:-/usr/bin/jupyter}"
if ! "$jupyter_bin" nbconvert --version >/dev/null 2>&1; then
  echo "nbconvert.sh: '$jupyter_bin nbconvert' is not available (apt-get install --no-install-recommends jupyter-nbconvert)" >&2
  exit 2
fi

if [ "$#" -gt 0 ]; then
  notebooks=("$@")
else
  shopt -s nullglob
  notebooks=(notebooks/*.ipynb)
  shopt -u nullglob
fi
if [ "${#notebooks[@]}" -eq 0 ]; then
  echo "no notebooks to run"
  exit 0
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/afw-nbconvert-XXXXXX")"
trap 'rm -rf "$out"' EXIT
export JUPYTER_PATH="$root/jupyter"

# Print the stderr of every code cell of an executed notebook (tslab reports
# type errors only there; nbconvert's own message for them is an empty "<Error>:").
print_stderr() {
  node -e '
    const nb = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    nb.cells.forEach((c, i) => {
      const err = (c.outputs || []).filter((o) => o.output_type === "stream" && o.name === "stderr")
        .map((o) => [].concat(o.text).join("")).join("");
      if (err.trim()) console.log(`    cell ${i + 1} stderr:\n` + err.trimEnd().split("\n").map((l) => "      " + l).join("\n"));
    });' "$1"
}

# Seconds since a `date +%s%N` stamp, one decimal.
elapsed() {
  awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1fs", (b - a) / 1e9 }'
}

failed=0
start_all=$SECONDS
for nb in "${notebooks[@]}"; do
  name="$(basename "$nb" .ipynb)"
  log="$out/$name.log"
  t0=$(date +%s%N)
  if "$jupyter_bin" nbconvert --to notebook --execute \
      --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=tslab \
      --output-dir "$out" "$nb" >"$log" 2>&1; then
    echo "ok   $name  $(elapsed "$t0")"
  else
    failed=$((failed + 1))
    echo "FAIL $name  $(elapsed "$t0")"
    # nbclient's message names the failing cell's source; skip the Python traceback above it.
    if grep -q "An error occurred while executing the following cell" "$log"; then
      sed -n '/An error occurred while executing the following cell/,$p' "$log" | sed 's/^/    /'
    else
      tail -n 40 "$log" | sed 's/^/    /'
    fi
    # Re-run keeping outputs to show what the cell wrote to stderr.
    if "$jupyter_bin" nbconvert --to notebook --execute --allow-errors \
        --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=tslab \
        --output-dir "$out/errors" "$nb" >/dev/null 2>&1 && [ -f "$out/errors/$name.ipynb" ]; then
      print_stderr "$out/errors/$name.ipynb"
    fi
  fi
done

echo "nbconvert: $(( ${#notebooks[@]} - failed )) ok, $failed failed ($((SECONDS - start_all))s)"
[ "$failed" -eq 0 ]
