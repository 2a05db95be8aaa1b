#!/usr/bin/env bash
# The main job: pack Backprop.Core and Backprop.Interactive into artifacts/packages, make that folder a
# NuGet source (so VS Code, Jupyter and dotnet-repl resolve `#r "nuget: Backprop.Interactive, 0.1.0"`
# the same way), restore the pinned kernel tools (.config/dotnet-tools.json), then execute every notebook
# in the real .NET Interactive kernel (dotnet-repl) into artifacts/notebooks (open index.html there).
# Options go to the runner: --write-back (store the outputs in notebooks/), --host jupyter.
set -euo pipefail
cd "$(dirname "$0")"
version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' Directory.Build.props)
feed="$PWD/artifacts/packages"

dotnet pack src/Backprop.Core -c Release -o "$feed" --nologo -v quiet
dotnet pack src/Backprop.Interactive -c Release -o "$feed" --nologo -v quiet

# A user-level NuGet source named backprop-local, pointing at this clone's feed (idempotent).
if dotnet nuget list source | grep -q '^ *[0-9]*\. *backprop-local '; then
  dotnet nuget update source backprop-local --source "$feed" >/dev/null
else
  dotnet nuget add source "$feed" --name backprop-local >/dev/null
  echo "Registered $feed as the user-level NuGet source 'backprop-local' (remove with: dotnet nuget remove source backprop-local)."
fi

# NuGet caches packages by version: drop our cached copies so notebooks get this build, not an older one.
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
rm -rf "$cache/backprop.core/$version" "$cache/backprop.interactive/$version"

dotnet tool restore >/dev/null
dotnet run --project tools/Backprop.Notebooks -c Release -- run notebooks --out artifacts/notebooks "$@"
echo "Rendered notebooks: $PWD/artifacts/notebooks/index.html"
