#!/usr/bin/env bash
# Builds the packages from a configured, built build folder, then installs the .deb on this
# machine, runs both installed programs (the shared tiny model, an offscreen window), removes
# it and checks nothing it installed is left. lintian must report no errors.
#   bash tools/package_test.sh [build/default]
# Needs root or sudo (apt-get), and a machine where abc-photos is not installed yet. The
# package sizes and lintian's report are printed at the end (docs/packaging.md quotes them).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$root/build/default}" && pwd)"
reference="$(cd "$root/../shared/reference" && pwd)"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
say() { printf '\n==> %s\n' "$*"; }
fail() { printf 'package test FAILED: %s\n' "$*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' abc-photos 2>/dev/null | grep -q "ok installed"; then
  fail "abc-photos is already installed here: the test would not tell its files from the old ones"
fi
for tool in cpack lintian rpmbuild desktop-file-validate appstreamcli patchelf readelf; do
  command -v "$tool" >/dev/null || fail "$tool is missing (bash tools/setup.sh installs it)"
done

work="$(mktemp -d /tmp/abc-package-test.XXXXXX)"
cleanup() {
  if dpkg-query -W -f='${Status}' abc-photos 2>/dev/null | grep -q "ok installed"; then
    "${sudo_cmd[@]}" apt-get purge -y -q abc-photos >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say "Building the packages (CPack: DEB, RPM, TGZ)"
start=$SECONDS
cpack --config "$build/CPackConfig.cmake" -G "DEB;RPM;TGZ" -B "$work/out" >"$work/cpack.log" 2>&1 \
  || { cat "$work/cpack.log"; fail "cpack"; }
echo "cpack took $((SECONDS - start)) s"
deb=("$work"/out/abc-photos_*.deb)
rpm=("$work"/out/abc-photos-*.rpm)
tgz=("$work"/out/abc-photos-*.tar.gz)
for f in "${deb[0]}" "${rpm[0]}" "${tgz[0]}"; do [ -f "$f" ] || fail "no package $f"; done

say "What the .deb holds and declares"
dpkg-deb --field "${deb[0]}" Package Version Installed-Size Depends Suggests
dpkg-deb --field "${deb[0]}" Depends | grep -q 'libqt6widgets6' || fail "Depends lacks Qt (shlibdeps)"
dpkg-deb --contents "${deb[0]}" | awk '{print $6}' | grep -E 'lib/abc-photos/' \
  | sed 's/^/  /'
if dpkg-deb --contents "${deb[0]}" | grep -E 'lib(torch_cuda|c10_cuda|cudnn|cublas)'; then
  fail "the CPU package carries CUDA libraries"
fi
installed_kib="$(dpkg-deb --field "${deb[0]}" Installed-Size)"

say "lintian"
lintian --tag-display-limit 0 "${deb[0]}" >"$work/lintian.log" 2>&1 || true
cat "$work/lintian.log"
if grep -q '^E: ' "$work/lintian.log"; then fail "lintian reports errors"; fi

say "Installing ${deb[0]##*/} with apt-get"
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q "${deb[0]}" >"$work/apt.log" 2>&1 \
  || { cat "$work/apt.log"; fail "apt-get install"; }
dpkg-query -L abc-photos | sort >"$work/installed.txt"

# Everything below runs the installed programs by absolute path, from an empty folder, with a
# clean environment: nothing of the build tree or the .venv can stand in for them.
cli=/usr/bin/abc-photos-cli
gui=/usr/bin/abc-photos
[ -x "$cli" ] && [ -x "$gui" ] || fail "the programs are not installed in /usr/bin"
run_clean() {
  (cd "$work/empty" && env -i PATH=/usr/bin:/bin HOME="$work/home" XDG_CONFIG_HOME="$work/config" \
     XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache" HF_HUB_OFFLINE=1 "$@")
}
mkdir -p "$work/empty" "$work/home" "$work/config/abc-photos" "$work/data" "$work/cache"

for program in "$cli" "$gui"; do
  needed="$(readelf -d "$program" | grep NEEDED)"
  if grep -qE 'libtorch_cuda|libc10_cuda|\[libtorch\.so\]' <<<"$needed"; then
    fail "$program links libtorch's CUDA part: $needed"
  fi
  runpath="$(readelf -d "$program" | grep -E 'RUNPATH|RPATH' || true)"
  grep -q '\$ORIGIN/../lib/abc-photos' <<<"$runpath" || fail "$program: RUNPATH is $runpath"
  if grep -qE '/work|\.venv|/build' <<<"$runpath"; then fail "$program: RUNPATH into a build: $runpath"; fi
  torch="$(run_clean ldd "$program" | grep -E 'libtorch_cpu|libc10\.so')"
  echo "$torch"
  if grep -Evq '=> /usr/(bin/\.\./)?lib/abc-photos/' <<<"$torch"; then
    fail "$program takes libtorch from elsewhere"
  fi
  if run_clean ldd "$program" | grep -q 'not found'; then fail "$program: a library is not found"; fi
done

say "abc-photos-cli --version"
version="$(run_clean "$cli" --version)"
echo "$version"
grep -q "$(sed -n 's/^Version: //p' <(dpkg-deb --info "${deb[0]}"))" <<<"$version" \
  || fail "--version does not print the package's version"

say "abc-photos-cli info (CUDA support is looked for beside the installed libtorch)"
info="$(run_clean "$cli" info)"
echo "$info"
grep -q '/usr/lib/abc-photos/libtorch_cuda.so is missing' <<<"$info" \
  || fail "info does not report the missing abc-photos-cuda package"

say "abc-photos-cli embed --text hi (the shared tiny model)"
model=(--base "$reference/tiny-abc/Qwen2-VL" --pretrain-adapter "$reference/tiny-abc/ABC-Pretrain"
       --instruct-adapter "$reference/tiny-abc/ABC-Instruct")
run_clean "$cli" embed --text hi "${model[@]}" >"$work/embed.json"
python3 - "$work/embed.json" <<'PY'
import json, math, sys
text = open(sys.argv[1]).read()
doc = json.loads(text)
def vectors(node):
    if isinstance(node, list) and node and all(isinstance(x, (int, float)) for x in node):
        yield node
    elif isinstance(node, list):
        for x in node: yield from vectors(x)
    elif isinstance(node, dict):
        for x in node.values(): yield from vectors(x)
found = [v for v in vectors(doc) if len(v) >= 8]
assert found, "no vector in the embed output: " + text[:300]
norm = math.sqrt(sum(x * x for x in found[0]))
assert abs(norm - 1) < 1e-3, f"vector not unit length: {norm}"
print(f"one vector of {len(found[0])} floats, norm {norm:.6f}")
PY

say "abc-photos-cli embed --device cuda without abc-photos-cuda: refused, saying what to install"
if run_clean "$cli" embed --text hi --device cuda "${model[@]}" >"$work/cuda.out" 2>&1; then
  fail "--device cuda succeeded without CUDA support"
fi
cat "$work/cuda.out"
grep -q 'abc-photos-cuda' "$work/cuda.out" || fail "the error does not name abc-photos-cuda"

say "abc-photos offscreen, from /usr/bin, with the tiny model in its settings"
cat >"$work/config/abc-photos/settings.json" <<JSON
{"base_model": "$reference/tiny-abc/Qwen2-VL", "pretrain_adapter": "$reference/tiny-abc/ABC-Pretrain",
 "instruct_adapter": "$reference/tiny-abc/ABC-Instruct", "library_file": "$work/data/gui.sqlite3"}
JSON
(cd "$work/empty" && exec env -i PATH=/usr/bin:/bin HOME="$work/home" XDG_CONFIG_HOME="$work/config" \
   XDG_DATA_HOME="$work/data" XDG_RUNTIME_DIR="$work/home" QT_QPA_PLATFORM=offscreen \
   "$gui" >"$work/gui.log" 2>&1) &
gui_pid=$!
for _ in $(seq 1 60); do
  [ -f "$work/data/gui.sqlite3" ] && break
  kill -0 "$gui_pid" 2>/dev/null || break
  sleep 0.5
done
sleep 3  # the model loads in the background: it must not bring the window down
kill -0 "$gui_pid" 2>/dev/null || { cat "$work/gui.log"; fail "abc-photos exited on start"; }
[ -f "$work/data/gui.sqlite3" ] || { cat "$work/gui.log"; fail "abc-photos did not open its library"; }
maps="$(cat /proc/$gui_pid/maps)"
grep -q '/usr/lib/abc-photos/libtorch_cpu.so' <<<"$maps" || fail "abc-photos has not mapped the installed libtorch"
if grep -qE '\.venv|/build/' <<<"$maps"; then fail "abc-photos mapped files of a build tree"; fi
kill -TERM "$gui_pid"
wait "$gui_pid" || true
echo "abc-photos started: library opened, the installed libtorch mapped, no build tree"

say "Desktop integration, as installed"
desktop-file-validate /usr/share/applications/io.github.abcphotos.AbcPhotos.desktop
appstreamcli validate --no-net --explain /usr/share/metainfo/io.github.abcphotos.AbcPhotos.metainfo.xml
for size in 16 24 32 48 64 128 256 512; do
  [ -f "/usr/share/icons/hicolor/${size}x${size}/apps/io.github.abcphotos.AbcPhotos.png" ] \
    || fail "no ${size}x${size} icon"
done
[ -f /usr/share/icons/hicolor/scalable/apps/io.github.abcphotos.AbcPhotos.svg ] || fail "no scalable icon"
for page in abc-photos-cli abc-photos; do
  zcat "/usr/share/man/man1/$page.1.gz" | grep -q '^\.TH' || fail "no man page $page(1)"
done

say "Removing it (apt-get purge) and looking for what it left"
"${sudo_cmd[@]}" apt-get purge -y -q abc-photos >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "purge"; }
left=()
while IFS= read -r path; do
  [ -e "$path" ] || [ -L "$path" ] || continue
  if [ -d "$path" ] && [ ! -L "$path" ]; then
    # A folder may stay when another package owns it too (/usr/share/icons/hicolor/...).
    dpkg-query -S "$path" >/dev/null 2>&1 && continue
  fi
  left+=("$path")
done <"$work/installed.txt"
if [ "${#left[@]}" -gt 0 ]; then printf '  left behind: %s\n' "${left[@]}"; fail "files left after purge"; fi
echo "all $(wc -l <"$work/installed.txt") paths dpkg listed are gone (or owned by other packages)"

say "The tarball: unpacked anywhere, it runs with its own libtorch"
mkdir -p "$work/unpacked"
tar -xzf "${tgz[0]}" -C "$work/unpacked"
tree="$(echo "$work"/unpacked/abc-photos-*)"
if find "$tree" -name 'libtorch_cuda*' | grep -q .; then fail "the tarball carries libtorch_cuda"; fi
run_clean "$tree/bin/abc-photos-cli" --version
run_clean "$tree/bin/abc-photos-cli" info | grep -q "($tree/lib/abc-photos/libtorch_cuda.so is missing)" \
  || fail "the unpacked abc-photos-cli does not use its own libtorch"
echo "ok: $tree/bin/abc-photos-cli runs with $tree/lib/abc-photos"

say "Package sizes"
for f in "${deb[0]}" "${rpm[0]}" "${tgz[0]}"; do
  printf '  %-40s %6d MiB\n' "${f##*/}" "$(( $(stat -c %s "$f") / 1048576 ))"
done
printf '  %-40s %6d MiB (dpkg Installed-Size)\n' "abc-photos installed" "$((installed_kib / 1024))"
[ "$installed_kib" -le $((400 * 1024)) ] || echo "  note: above the 400 MB installed-size goal (docs/packaging.md)"
say "Package test passed"
