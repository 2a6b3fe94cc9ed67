#!/usr/bin/env bash
# Creates (or brings up to date) the virtual environment of the Python reference tooling with the
# exact pins of requirements.txt. Idempotent: when every pin is already installed it changes nothing.
#   bash tools/reference/setup.sh            # venv in tools/reference/.venv
#   bash tools/reference/setup.sh DIR        # venv in DIR
#   bash tools/reference/setup.sh --check    # only report pins that differ (exit 1 if any)
# PYTHON selects the interpreter (default python3, 3.10 or newer); REQUIREMENTS another pin file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check_only=0
if [ "${1:-}" = "--check" ]; then check_only=1; shift; fi
venv="${1:-$here/.venv}"
requirements="${REQUIREMENTS:-$here/requirements.txt}"
python_bin="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  if [ "$check_only" = 1 ]; then echo "no virtual environment at $venv" >&2; exit 1; fi
  echo "==> creating $venv"
  "$python_bin" -m venv "$venv"
fi

# Lists the pins that are missing or at another version.
differing="$("$venv/bin/python" - "$requirements" <<'PY'
import importlib.metadata as md, re, sys
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, version = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line).groups()
    try:
        have = md.version(name)
    except md.PackageNotFoundError:
        have = None
    if have is None or have.split("+", 1)[0] != version:
        print(f"{name}=={version} (installed: {have})")
PY
)"

if [ -z "$differing" ]; then
  echo "==> $venv: all pins of $(basename "$requirements") present"
  exit 0
fi
echo "==> pins to install:"; echo "$differing" | sed 's/^/    /'
if [ "$check_only" = 1 ]; then exit 1; fi
"$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
"$venv/bin/python" -c "import transformers, peft, PIL, tokenizers, safetensors, torch" \
  && echo "==> $venv ready"
