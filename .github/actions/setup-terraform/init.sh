#!/usr/bin/env bash
# terraform init of the root in the working directory, then its workspace (action.yml's inputs
# arrive as environment variables). Writes exists=true|false to GITHUB_OUTPUT.
set -euo pipefail

args=()
while IFS= read -r line; do
  [[ -n "${line// }" ]] && args+=("-backend-config=$line")
done <<<"$BACKEND_CONFIG"
if [[ -z "$LOCK_FILE" && "$REQUIRE_LOCK_FILE" == true ]]; then
  echo "::error::input lock-file is empty: the plan's providers are unknown, so nothing is initialised (run the plan job again)"
  exit 1
fi
if [[ -n "$LOCK_FILE" ]]; then
  # The plan job's lock file pins the providers the plan was made with.
  base64 -d <<<"$LOCK_FILE" >.terraform.lock.hcl
  args+=(-lockfile=readonly)
fi
terraform init -input=false -lock-timeout="$LOCK_TIMEOUT" "${args[@]}"

if [[ -z "$WORKSPACE" ]]; then
  echo "exists=true" >>"$GITHUB_OUTPUT"
  exit 0
fi
case "$IF_NO_WORKSPACE" in
  create)
    terraform workspace select -or-create "$WORKSPACE"
    echo "exists=true" >>"$GITHUB_OUTPUT"
    ;;
  fail | report)
    if terraform workspace select "$WORKSPACE"; then
      echo "exists=true" >>"$GITHUB_OUTPUT"
    elif [[ "$IF_NO_WORKSPACE" == fail ]]; then
      echo "::error::${NO_WORKSPACE_MESSAGE:-Terraform workspace $WORKSPACE does not exist}"
      exit 1
    else
      echo "::notice::${NO_WORKSPACE_MESSAGE:-Terraform workspace $WORKSPACE does not exist}"
      echo "exists=false" >>"$GITHUB_OUTPUT"
    fi
    ;;
  *)
    echo "::error::input if-no-workspace must be create, fail or report, got '${IF_NO_WORKSPACE:0:30}'"
    exit 1
    ;;
esac
