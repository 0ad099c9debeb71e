#!/usr/bin/env bash
# Offline checks for terraform/: fmt, then init/validate (and `terraform test` where a
# module has tests) for every module and example. The AWS provider comes from a local
# filesystem mirror found at run time (override with TF_PROVIDER_MIRROR=<dir containing
# registry.terraform.io>); the registry is never contacted.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
TF_DIR=terraform

command -v terraform >/dev/null || { echo "terraform not found on PATH" >&2; exit 1; }

mirror="${TF_PROVIDER_MIRROR:-}"
if [[ -z "$mirror" ]]; then
  # The provider dir is <mirror>/registry.terraform.io/hashicorp/aws; the mirror root is
  # the directory that contains registry.terraform.io.
  aws_dir="$(find / -maxdepth 6 -type d -path '*/registry.terraform.io/hashicorp/aws' \
    -not -path '/proc/*' -not -path '*/.terraform/*' 2>/dev/null | head -1 || true)"
  [[ -n "$aws_dir" ]] || { echo "No provider mirror with registry.terraform.io/hashicorp/aws found; set TF_PROVIDER_MIRROR" >&2; exit 1; }
  mirror="$(dirname "$(dirname "$(dirname "$aws_dir")")")"
fi
[[ -d "$mirror/registry.terraform.io/hashicorp/aws" ]] || {
  echo "TF_PROVIDER_MIRROR=$mirror has no registry.terraform.io/hashicorp/aws" >&2; exit 1; }

work="$(mktemp -d)"
cleanup() {
  # Leave nothing generated behind in the repo.
  find "$TF_DIR" \( -name .terraform -type d -prune -exec rm -rf {} + \) -o \
    \( -name .terraform.lock.hcl -type f -exec rm -f {} + \) 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
mkdir -p "$work/plugin-cache"
export TF_PLUGIN_CACHE_DIR="$work/plugin-cache"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

echo "terraform: $(terraform version | head -1); provider mirror: $mirror"

failures=()
summary=()
start_all=$SECONDS

step() { # step <label> <dir> <command...>
  local label="$1" dir="$2"; shift 2
  local log="$work/log"
  if (cd "$dir" && "$@") >"$log" 2>&1; then
    return 0
  fi
  echo "---- FAILED: $label ($dir)" >&2
  cat "$log" >&2
  failures+=("$label $dir")
  return 1
}

if step "fmt" "$TF_DIR" terraform fmt -check -recursive -diff .; then
  summary+=("PASS  fmt -check -recursive terraform")
else
  summary+=("FAIL  fmt -check -recursive terraform")
fi

for dir in "$TF_DIR"/modules/*/ "$TF_DIR"/examples/*/; do
  dir="${dir%/}"
  t0=$SECONDS
  status=PASS detail="validate"
  if ! step "init" "$dir" terraform init -backend=false -input=false -no-color; then
    status=FAIL detail="init"
  elif ! step "validate" "$dir" terraform validate -no-color; then
    status=FAIL detail="validate"
  elif compgen -G "$dir/tests/*.tftest.hcl" >/dev/null; then
    detail="validate + test"
    if step "test" "$dir" terraform test -no-color; then
      detail="validate + test ($(grep -Eo '[0-9]+ passed' "$work/log" | tail -1))"
    else
      status=FAIL
    fi
  fi
  summary+=("$(printf '%-5s %-36s %-32s %3ss' "$status" "$dir" "$detail" "$((SECONDS - t0))")")
done

echo
echo "================ terraform summary ================"
printf '%s\n' "${summary[@]}"
echo "total: $((SECONDS - start_all))s"
if ((${#failures[@]})); then
  echo "FAILED: ${#failures[@]} step(s): ${failures[*]}"
  exit 1
fi
echo "all terraform checks passed"
