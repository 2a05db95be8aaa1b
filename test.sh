#!/usr/bin/env bash
# Runs every test of the solution (Release, so that the heavier numeric tests are quick).
set -euo pipefail
cd "$(dirname "$0")"
exec dotnet test Backprop.sln -c Release "$@"
