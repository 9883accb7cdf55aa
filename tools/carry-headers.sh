#!/usr/bin/env bash
# Copies the header-only dependencies of the build (doctest, stb, nlohmann-json) and their
# CMake package files from this machine's Debian packages into .carry/ (git-ignored), for
# a machine that has a compiler and the CUDA toolkit but no Debian packages (a lent GPU
# machine). tools/gpu-check.sh points CMake at .carry/ when the system lacks them.
# libstb is not carried: without it the build compiles stb from its headers
# (WS_STB_IMPLEMENTATION); OpenBLAS is not carried either (the built-in GEMM is used).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.carry
for d in /usr/include/doctest /usr/include/stb /usr/include/nlohmann /usr/lib/cmake/doctest \
         /usr/share/cmake/nlohmann_json; do
  [ -e "$d" ] || { echo "carry-headers: $d is missing here (make deps installs it)" >&2; exit 1; }
done
rm -rf "$dest"
mkdir -p "$dest/include" "$dest/lib/cmake" "$dest/share/cmake"
cp -r /usr/include/doctest /usr/include/stb /usr/include/nlohmann "$dest/include/"
cp -r /usr/lib/cmake/doctest "$dest/lib/cmake/"
cp -r /usr/share/cmake/nlohmann_json "$dest/share/cmake/"
# Debian's doctest targets file names /usr; make it find the headers beside itself.
sed -i 's|^set(_IMPORT_PREFIX "/usr")|get_filename_component(_IMPORT_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)|' \
  "$dest/lib/cmake/doctest/doctestTargets.cmake"
echo "carry-headers: $(du -sh "$dest" | cut -f1) in $dest (pass it to the GPU machine; tools/gpu-check.sh uses it)"
