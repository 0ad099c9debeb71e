#!/usr/bin/env bash
# Which Terraform to install: terraform-version.sh <override> <root-dir>
# Writes version=<spec> and source=<where it came from> to $GITHUB_OUTPUT (stdout without it).
# The spec is what hashicorp/setup-terraform takes: a version or an npm-semver range.
set -euo pipefail

# The default runs every feature our modules and examples use: use_lockfile (S3 state locking
# without DynamoDB) needs 1.10, write-only arguments (the Redis password) 1.11.
# test/integration/workflows.test.ts checks it against the examples.
DEFAULT='>=1.11.0 <2.0.0'

override="${1:-}"
dir="${2:-.}"
out="${GITHUB_OUTPUT:-/dev/stdout}"

# Terraform constraint ("~> 1.10, < 2.0") -> npm range (">=1.10.0 <2.0.0 <2.0.0"). Terraform's
# "~> X.Y" allows X.*, "~> X.Y.Z" only X.Y.*; npm's "~" means something else, so spell it out.
to_npm() {
  local part op ver major minor n parts=()
  IFS=',' read -ra items <<< "$1"
  for part in "${items[@]}"; do
    part="${part//[[:space:]]/}"
    [[ -z "$part" ]] && continue
    if [[ ! "$part" =~ ^(~>|>=|<=|!=|>|<|=)?v?([0-9]+(\.[0-9]+){0,2})(-[0-9A-Za-z.-]+)?$ ]]; then
      echo "::error::required_version part \"$part\" in $dir is not a Terraform version constraint" >&2
      exit 1
    fi
    op="${BASH_REMATCH[1]}"
    ver="${BASH_REMATCH[2]}"
    IFS=. read -r major minor _ <<< "$ver"
    n=$(tr -cd . <<< "$ver" | wc -c)
    case "$op" in
      '~>')
        if ((n == 0)); then parts+=(">=$major.0.0")
        elif ((n == 1)); then parts+=(">=$major.$minor.0" "<$((major + 1)).0.0")
        else parts+=(">=$ver" "<$major.$((minor + 1)).0"); fi ;;
      '!=') ;; # npm ranges cannot exclude one version; the other bounds still apply.
      ''|'=') parts+=("$ver") ;;
      *) parts+=("$op$ver") ;;
    esac
  done
  echo "${parts[*]}"
}

version='' source=''
if [[ -n "$override" ]]; then
  version="$override" source='input terraform-version'
elif [[ -f "$dir/.terraform-version" ]]; then
  version="$(head -n1 "$dir/.terraform-version" | tr -d '[:space:]')" source="$dir/.terraform-version"
else
  constraints=()
  shopt -s nullglob
  for f in "$dir"/*.tf; do
    while IFS= read -r c || [[ -n "$c" ]]; do constraints+=("$c"); done < <(
      sed -n 's/.*required_version[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
  done
  if ((${#constraints[@]})); then
    joined="$(IFS=,; echo "${constraints[*]}")"
    version="$(to_npm "$joined")" source="required_version in $dir"
  fi
fi
if [[ -z "$version" ]]; then version="$DEFAULT" source='default'; fi

echo "Terraform $version (from $source)" >&2
{
  echo "version=$version"
  echo "source=$source"
} >> "$out"
