# Sourced by scripts/test-terraform.sh and scripts/render-roles.sh: Terraform offline, as a
# user's copy of the examples would run it. After `terraform_offline <work dir>`:
# - providers come from a local filesystem mirror found at run time (TF_PROVIDER_MIRROR to skip
#   the search), never the registry (TF_CLI_CONFIG_FILE overrides the user's own);
# - the examples' module source
#     git::https://github.com/adhoc-actions/adhoc-actions.git//terraform/modules/<name>?ref=<tag>
#   is redirected, through git's env config (the user's git config is untouched), to a
#   throwaway repository built from the working tree's terraform/ and tagged with that tag;
#   $TF_SOURCE_REPO is its path.

# shellcheck source=simulator/rehearsal/stand-ins/find-mirror.sh
source "$(dirname "${BASH_SOURCE[0]}")/../simulator/rehearsal/stand-ins/find-mirror.sh"

terraform_offline() {
  local work="$1" tf_dir=terraform repo_url="https://github.com/adhoc-actions/adhoc-actions.git" mirror tags
  command -v terraform >/dev/null || { echo "terraform not found on PATH" >&2; return 1; }
  mirror="${TF_PROVIDER_MIRROR:-$(find_mirror || true)}"
  if [[ -z "$mirror" || ! -d "$mirror/registry.terraform.io/hashicorp/aws" ]]; then
    echo "No provider mirror with registry.terraform.io/hashicorp/aws found (${mirror:-searched /}); set TF_PROVIDER_MIRROR" >&2
    return 1
  fi
  TF_PROVIDER_MIRROR="$mirror"
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
  export TF_PROVIDER_MIRROR TF_CLI_CONFIG_FILE="$work/terraformrc" TF_PLUGIN_CACHE_DIR="$work/plugin-cache"
  mkdir -p "$TF_PLUGIN_CACHE_DIR"
  export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
  # Terraform's plugin cache is not safe for concurrent installs (two inits at once fail with
  # "mkdir …/plugin-cache/…: file exists"): fill it once here, so the parallel inits that follow
  # only read it. Without a lock file (these roots have none), Terraform >= 1.4 ignores a cache
  # entry and installs the provider again into the cache (hashicorp/terraform#32129), replacing
  # the directory another root's test is running from ("could not read package directory");
  # this lets every init take the cached copy instead.
  export TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE=true
  mkdir -p "$work/warm-cache"
  printf 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n' >"$work/warm-cache/versions.tf"
  (cd "$work/warm-cache" && terraform init -backend=false -input=false -no-color >"$work/warm-cache/init.log" 2>&1) ||
    { cat "$work/warm-cache/init.log" >&2; return 1; }

  tags="$(grep -rhoE "git::${repo_url}//terraform/modules/[a-z0-9-]+\?ref=[^\"]+" "$tf_dir/examples" --include='*.tf' | sed 's/.*?ref=//' | sort -u)"
  if [[ -z "$tags" || "$tags" == *$'\n'* ]]; then
    echo "The examples must reference the modules at one tag of $repo_url; found: ${tags:-none}" >&2
    return 1
  fi
  TF_SOURCE_REPO="$work/source-repo"
  mkdir -p "$TF_SOURCE_REPO"
  tar -C . --exclude=.terraform --exclude=.terraform.lock.hcl -cf - "$tf_dir" | tar -C "$TF_SOURCE_REPO" -xf -
  local git_q=(git -C "$TF_SOURCE_REPO" -c user.name=test -c user.email=test@localhost -c commit.gpgsign=false -c tag.gpgsign=false)
  "${git_q[@]}" init -q && "${git_q[@]}" add -A && "${git_q[@]}" commit -q -m snapshot && "${git_q[@]}" tag "$tags" || return 1
  export TF_SOURCE_REPO GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="url.file://$TF_SOURCE_REPO.insteadOf" GIT_CONFIG_VALUE_0="$repo_url"
  export GIT_TERMINAL_PROMPT=0
}
