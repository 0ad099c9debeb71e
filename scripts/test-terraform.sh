#!/usr/bin/env bash
# Offline checks for terraform/: `fmt -check`, then init + validate (+ `terraform test`
# where the module has tests/*.tftest.hcl) for every module and example, and init + validate
# of the examples copied into a user repository laid out as examples/django-repo says.
#
# The AWS provider comes from a local filesystem mirror found at run time; set
# TF_PROVIDER_MIRROR=<directory that contains registry.terraform.io> to skip the search.
# The registry is never contacted. TF_TEST_JOBS sets how many directories run at once
# (default: number of CPUs). Nothing generated is left in the repository.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
TF_DIR=terraform

command -v terraform >/dev/null || { echo "terraform not found on PATH" >&2; exit 1; }

# find_mirror: one copy, shared with the rehearsal's terraform stand-in.
# shellcheck source=simulator/rehearsal/stand-ins/find-mirror.sh
source simulator/rehearsal/stand-ins/find-mirror.sh

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

# The examples take the modules from a git tag of this repository, as a user's copy must:
#   git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/<name>?ref=<tag>
# Offline, that URL is redirected (through git's env config, so the user's git config is
# untouched) to a throwaway repository built from the working tree's terraform/ and tagged
# with the tag the sources name.
repo_url="https://github.com/adhoc-actions/adhoc-actions.git"
tags="$(grep -rhoE "git::${repo_url}//terraform/modules/[a-z0-9-]+\?ref=[^\"]+" "$TF_DIR/examples" --include='*.tf' | sed 's/.*?ref=//' | sort -u)"
if [[ -z "$tags" || "$tags" == *$'\n'* ]]; then
  echo "The examples must reference the modules at one tag of $repo_url; found: ${tags:-none}" >&2
  exit 1
fi
src="$work/source-repo"
mkdir -p "$src"
tar -C . --exclude=.terraform --exclude=.terraform.lock.hcl -cf - "$TF_DIR" | tar -C "$src" -xf -
git_q() { git -C "$src" -c user.name=test -c user.email=test@localhost -c commit.gpgsign=false -c tag.gpgsign=false "$@" >/dev/null; }
git_q init -q && git_q add -A && git_q commit -q -m snapshot && git_q tag "$tags"
export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="url.file://$src.insteadOf" GIT_CONFIG_VALUE_0="$repo_url"
export GIT_TERMINAL_PROMPT=0

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
