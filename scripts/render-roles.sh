#!/usr/bin/env bash
# Renders the IAM that the example roots create into simulator/aws/iam/roles.json, the policies
# the emulator enforces in every test: each root's tests/render.tftest.hcl applies it with a
# mock provider, and scripts/iam/roles-from-state.ts reads the roles, trust and policies from
# that run's state. `--check` fails when the committed file differs (test-terraform.sh runs it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/terraform-offline.sh
source scripts/terraform-offline.sh

ROOTS=(bootstrap bootstrap-two-accounts)
out=simulator/aws/iam/roles.json
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
terraform_offline "$work"

node=node_modules/node/bin/node
[[ -x "$node" ]] || node=node
outputs=()
for root in "${ROOTS[@]}"; do
  mkdir -p "$work/$root"
  # Not the root's own .terraform (test-terraform.sh may be initializing it at the same time).
  tar -C "terraform/examples/$root" --exclude=.terraform --exclude=.terraform.lock.hcl -cf - . | tar -C "$work/$root" -xf -
  (cd "$work/$root" && terraform init -backend=false -input=false -no-color >"$work/$root.init.log" 2>&1) ||
    { cat "$work/$root.init.log" >&2; exit 1; }
  (cd "$work/$root" && terraform test -filter=tests/render.tftest.hcl -json -verbose >"$work/$root.test.json" 2>&1) ||
    { grep -o '"@message":"[^"]*"' "$work/$root.test.json" >&2; exit 1; }
  outputs+=("$root=$work/$root.test.json")
done
"$node" scripts/iam/roles-from-state.ts "${outputs[@]}" >"$work/roles.json"

if [[ "${1:-}" == --check ]]; then
  if ! diff -u "$out" "$work/roles.json" >"$work/diff"; then
    echo "$out differs from what the Terraform roots render (npm run render-roles):" >&2
    head -40 "$work/diff" >&2
    exit 1
  fi
  echo "$out matches the Terraform roots (${ROOTS[*]})"
else
  cp "$work/roles.json" "$out"
  echo "wrote $out from ${ROOTS[*]}"
fi
