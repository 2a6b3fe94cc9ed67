#!/usr/bin/env bash
# Sets up everything ABC Photos needs on Debian 12, builds it, then runs the app or the tests.
#   bash tools/setup.sh run     # install, build, start the desktop application
#   bash tools/setup.sh test    # install, build, run the whole test suite
#   bash tools/setup.sh build   # install and build only
# Idempotent: every step checks what is already there. Run as root or as a user with sudo.
set -euo pipefail

mode="${1:-build}"
case "$mode" in run|test|build) ;; *) echo "usage: $0 run|test|build" >&2; exit 2 ;; esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
say() { printf '\n==> %s\n' "$*"; }

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

# Debian packages: the toolchain and every library the project links (see README).
apt_packages=(
  build-essential cmake ninja-build ccache pkg-config git python3-venv
  qt6-base-dev qt6-base-dev-tools libgl-dev qt6-image-formats-plugins
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev
  nlohmann-json3-dev libcli11-dev libutf8proc-dev libpcre2-dev libheif-dev libgif-dev libexif-dev
  libsqlite3-dev sqlite3 libjpeg62-turbo-dev libfaiss-dev libxxhash-dev
  # the model download: HTTPS with libcurl, sha256 of each downloaded file with OpenSSL
  libcurl4-openssl-dev libssl-dev
  xvfb xauth fonts-dejavu-core
  # a private session bus, so test_ui_detail_pane runs its FileManager1 case instead of skipping it
  dbus-daemon
  # test_cli_conventions reads the generated man page with groff and loads the completions
  groff-base zsh
  # the fuzz smoke runs: clang's libFuzzer and sanitizer runtimes
  clang libclang-rt-14-dev
  # the packages (tools/package_test.sh): bundled libraries' RPATH, the RPM, and the checks of
  # the .deb, the .desktop file and the AppStream metainfo
  patchelf rpm lintian desktop-file-utils appstream
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "Installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  say "Debian packages: all ${#apt_packages[@]} present"
fi

# libtorch from PyPI's torch wheel (CUDA-enabled; runs on the CPU where no GPU exists),
# pinned, in a project-local virtual environment. pip's cache keeps re-installs fast.
torch_version="2.11.0"
venv="$root/.venv"
python_bin="$(command -v python3)"
if [ ! -x "$venv/bin/python" ]; then
  say "Creating the virtual environment $venv"
  "$python_bin" -m venv "$venv"
fi
installed="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("torch"))' 2>/dev/null || true)"
if [ "$installed" != "$torch_version" ]; then
  say "Installing torch==$torch_version (libtorch) into $venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "torch==$torch_version"
else
  say "libtorch $torch_version present in $venv"
fi
# Tests only: test_hub_download checks that huggingface_hub and ABC Photos read each other's
# cache. The pin is the reference tooling's (tools/reference/requirements.txt).
hub_pin="$(grep -E '^huggingface_hub==' tools/reference/requirements.txt)"
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('huggingface_hub') != '${hub_pin#*==}')" 2>/dev/null; then
  say "Installing $hub_pin into $venv (tests)"
  "$venv/bin/pip" install -q --disable-pip-version-check "$hub_pin"
fi

preset="${ABC_PRESET:-default}"
say "Configuring (CMake preset '$preset')"
cmake --preset "$preset" >/dev/null
say "Building with $(nproc) jobs"
cmake --build --preset "$preset" -j "$(nproc)"

case "$mode" in
  test)
    say "Running the test suite"
    ctest --preset "$preset" -j "$(nproc)"
    say "Packaging: build the .deb, .rpm and .tar.gz, install the .deb, run it, remove it"
    bash tools/package_test.sh "build/$preset"
    say "Fuzzing each parser briefly (clang libFuzzer, ASan + UBSan; tests/fuzz)"
    cmake --preset fuzz >/dev/null
    cmake --build --preset fuzz -j "$(nproc)"
    ctest --preset fuzz -j "$(nproc)"
    ;;
  run)
    say "Starting ABC Photos"
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
      say "No display found: starting it on a virtual X server (xvfb-run)"
      exec xvfb-run -a "$root/build/$preset/app/abc-photos"
    fi
    exec "$root/build/$preset/app/abc-photos"
    ;;
esac
