#!/usr/bin/env bash
# Offline checks for terraform/: `fmt -check`, then init + validate (+ `terraform test`
# where the module has tests/*.tftest.hcl) for every module and example, and init + validate
# of the examples copied into a user repository laid out as examples/django-repo says.
#
# Offline as scripts/terraform-offline.sh sets it up (provider mirror, module sources
# redirected to the working tree). TF_TEST_JOBS sets how many directories run at once
# (default: number of CPUs). Nothing generated is left in the repository.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
TF_DIR=terraform

# shellcheck source=scripts/terraform-offline.sh
source scripts/terraform-offline.sh

work="$(mktemp -d)"
cleanup() {
  find "$TF_DIR" -name .terraform -type d -prune -exec rm -rf {} + 2>/dev/null || true
  find "$TF_DIR" -name .terraform.lock.hcl -type f -delete 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
terraform_offline "$work"
src="$TF_SOURCE_REPO"
mirror="$TF_PROVIDER_MIRROR"

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

# workflow_dir <workflow file>: the working-directory a django-repo workflow runs Terraform in.
workflow_dir() {
  sed -nE 's/^ *working-directory: *([^ #]+).*/\1/p' "examples/django-repo/.github/workflows/$1" | sort -u
}

# check_copy <result-file>: lay out a user's repository as the README and the django-repo
# workflows say (the django-repo example, the ad-hoc example in the directory ad-hoc.yml uses,
# the prod example in the one production.yml uses), then init + validate each root there.
check_copy() {
  local out="$1" log="$1.log" t0=$SECONDS status=PASS detail="init + validate" user="$work/user-repo" adhoc prod
  {
    # production.yml also deploys staging as an ad hoc environment: prod is its other directory.
    adhoc="$(workflow_dir ad-hoc.yml)"
    prod="$(workflow_dir production.yml | grep -vxF "$adhoc" || true)"
    if [[ -z "$adhoc" || -z "$prod" || "$adhoc" == *$'\n'* || "$prod" == *$'\n'* ]]; then
      status=FAIL detail="working-directory of ad-hoc.yml/production.yml"
    else
      mkdir -p "$user" && cp -R examples/django-repo/. "$user/"
      mkdir -p "$user/$adhoc" "$user/$prod"
      cp -R "$src/$TF_DIR/examples/ad-hoc/." "$user/$adhoc/"
      cp -R "$src/$TF_DIR/examples/prod/." "$user/$prod/"
      for d in "$adhoc" "$prod"; do
        echo "== $d"
        if ! (cd "$user/$d" && terraform init -backend=false -input=false -no-color && terraform validate -no-color); then
          status=FAIL detail="init + validate in $d"
          break
        fi
      done
    fi
  } >"$log" 2>&1
  printf '%-5s %-34s %-30s %4ss\n' "$status" "copy: ${adhoc:-?}, ${prod:-?}" "$detail" "$((SECONDS - t0))" >"$out"
}

# check_rendered_roles <result-file>: the emulator enforces simulator/aws/iam/roles.json, so it
# must be what the roots render now.
check_rendered_roles() {
  local out="$1" log="$1.log" t0=$SECONDS status=PASS
  bash scripts/render-roles.sh --check >"$log" 2>&1 || status=FAIL
  printf '%-5s %-34s %-30s %4ss\n' "$status" "simulator/aws/iam/roles.json" "rendered from the roots" "$((SECONDS - t0))" >"$out"
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
i=$((i + 1))
while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n || true; done
check_copy "$work/result.$i" &
i=$((i + 1))
while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n || true; done
check_rendered_roles "$work/result.$i" &
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
