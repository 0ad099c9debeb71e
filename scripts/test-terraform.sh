#!/usr/bin/env bash
# Offline checks for terraform/: `fmt -check`, then init + validate (+ `terraform test`
# where the module has tests/*.tftest.hcl) for every module and example.
#
# The AWS provider comes from a local filesystem mirror found at run time; set
# TF_PROVIDER_MIRROR=<directory that contains registry.terraform.io> to skip the search.
# The registry is never contacted. TF_TEST_JOBS sets how many directories run at once
# (default: number of CPUs). Nothing generated is left in the repository.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
TF_DIR=terraform

command -v terraform >/dev/null || { echo "terraform not found on PATH" >&2; exit 1; }

find_mirror() {
  # Provider dirs look like <mirror>/registry.terraform.io/hashicorp/aws; the mirror root is
  # the directory that contains registry.terraform.io. Skip .terraform dirs and plugin
  # caches of other runs (they come and go).
  local aws_dir
  aws_dir="$(find / -maxdepth 6 \( -path /proc -o -path /sys -o -path /dev -o -name .terraform -o -name 'plugin-cache' \) -prune \
    -o -type d -path '*/registry.terraform.io/hashicorp/aws' -print 2>/dev/null | head -1 || true)"
  [[ -n "$aws_dir" ]] && dirname "$(dirname "$(dirname "$aws_dir")")"
}

mirror="${TF_PROVIDER_MIRROR:-$(find_mirror || true)}"
if [[ -z "$mirror" || ! -d "$mirror/registry.terraform.io/hashicorp/aws" ]]; then
  echo "No provider mirror with registry.terraform.io/hashicorp/aws found (${mirror:-searched /}); set TF_PROVIDER_MIRROR" >&2
  exit 1
fi

work="$(mktemp -d)"
cleanup() {
  find "$TF_DIR" -name .terraform -type d -prune -exec rm -rf {} + 2>/dev/null || true
  find "$TF_DIR" -name .terraform.lock.hcl -type f -delete 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Overrides any TF_CLI_CONFIG_FILE from the environment.
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
export TF_PLUGIN_CACHE_DIR="$work/plugin-cache"
mkdir -p "$TF_PLUGIN_CACHE_DIR"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

jobs_max="${TF_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}"
echo "$(terraform version | head -1); provider mirror: $mirror; jobs: $jobs_max"
start_all=$SECONDS

# check_dir <dir> <result-file>: init, validate, test; writes one summary line.
check_dir() {
  local dir="$1" out="$2" log="$2.log" t0=$SECONDS status=PASS detail
  {
    if ! (cd "$dir" && terraform init -backend=false -input=false -no-color); then
      status=FAIL detail="init"
    elif ! (cd "$dir" && terraform validate -no-color); then
      status=FAIL detail="validate"
    elif compgen -G "$dir/tests/*.tftest.hcl" >/dev/null; then
      if (cd "$dir" && terraform test -no-color) >"$log.test" 2>&1; then
        detail="validate + test ($(grep -Eo '[0-9]+ passed' "$log.test" | tail -1))"
      else
        status=FAIL detail="test"
      fi
      cat "$log.test"
    else
      detail="validate"
    fi
  } >"$log" 2>&1
  printf '%-5s %-34s %-30s %4ss\n' "$status" "$dir" "$detail" "$((SECONDS - t0))" >"$out"
}

# Init is parallel-safe with a shared plugin cache only once the cache is filled:
# warm it with the first directory.
dirs=("$TF_DIR"/modules/*/ "$TF_DIR"/examples/*/)
dirs=("${dirs[@]%/}")
i=0
for dir in "${dirs[@]}"; do
  i=$((i + 1))
  if ((i == 1)); then
    check_dir "$dir" "$work/result.$i"
    continue
  fi
  while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n || true; done
  check_dir "$dir" "$work/result.$i" &
done
wait

fmt_status=PASS
terraform fmt -check -recursive -diff "$TF_DIR" >"$work/fmt.log" 2>&1 || fmt_status=FAIL

echo
echo "==================== terraform summary ===================="
failed=0
printf '%-5s %s\n' "$fmt_status" "terraform fmt -check -recursive $TF_DIR"
if [[ "$fmt_status" == FAIL ]]; then
  failed=1
  cat "$work/fmt.log"
fi
for ((j = 1; j <= i; j++)); do
  cat "$work/result.$j"
  if grep -q '^FAIL' "$work/result.$j"; then
    failed=1
    echo "----- log -----"
    cat "$work/result.$j.log"
    echo "---------------"
  fi
done
echo "total: $((SECONDS - start_all))s"
if ((failed)); then
  echo "terraform checks FAILED"
  exit 1
fi
echo "all terraform checks passed"
