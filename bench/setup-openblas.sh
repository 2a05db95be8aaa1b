#!/bin/sh
# Debian's python3-torch links the generic libblas.so.3; on a machine where that is netlib's reference
# BLAS (no OpenBLAS installed) PyTorch's GEMM is ~20x slower than with OpenBLAS and the comparison is
# meaningless. This unpacks Debian's OpenBLAS next to the benchmarks (bench/.openblas, not committed)
# without installing it system-wide; the driver then runs the PyTorch twin with LD_LIBRARY_PATH on it.
# (A system-wide `apt-get install libopenblas0-pthread` works too: then pass --blas-dir none.)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
apt-get download libopenblas0-pthread
rm -rf "$here/.openblas"
dpkg -x libopenblas0-pthread_*.deb "$here/.openblas"
ls "$here/.openblas/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"
