#!/usr/bin/env bash
# Reads ENV_NAME, CLUSTER (optional), GH_ENVIRONMENT, PROTECTED, OPERATION (deploy|destroy|pause), IMAGE_TAGS,
# IMAGE_TAG, BACKEND_REPOSITORY, FRONTEND_IMAGE_TAG, FRONTEND_REPOSITORY, SCAN_THRESHOLD, MISSING_SECRETS,
# REPORT_BUCKET from the environment; on a problem prints one ::error:: line naming the input and exits 1.
set -euo pipefail

fail() {
  # One line, whatever the value holds.
  echo "::error::${1//$'\n'/ }"
  exit 1
}
shown() { printf '%q' "${1:0:40}"; }

if [[ ! "$ENV_NAME" =~ ^[a-z][a-z0-9-]{0,18}[a-z0-9]$ || "$ENV_NAME" == *--* ]]; then
  fail "environment $(shown "$ENV_NAME") must be 2-20 characters of lowercase letters, digits and single hyphens, starting with a letter"
fi

# The one list of names every workflow protects; protected-environments only adds to it.
BUILT_IN_PROTECTED="prod production staging default"
is_protected=false
report_name=""
read -ra protected_names <<< "$BUILT_IN_PROTECTED ${PROTECTED//$'\n'/ }"
echo "protected-names=${protected_names[*],,}" >> "$GITHUB_OUTPUT"
# The cluster a workflow acts on, when given apart from the environment (app-update's
# `cluster`), is held to the same rule: environment feature-x with cluster prod is prod.
for checked in "$ENV_NAME" ${CLUSTER:+"$CLUSTER"}; do
  what=environment
  [[ "$checked" != "$ENV_NAME" ]] && what="cluster (input cluster)"
  protected_here=false
  for name in "${protected_names[@]}"; do
    if [[ "${name,,}" == "${checked,,}" ]]; then protected_here=true; fi
  done
  [[ "$protected_here" == true ]] || continue
  is_protected=true
  # The protected name reports are kept under (the cluster's, when it is the protected one).
  report_name="${checked,,}"
  if [[ "$OPERATION" == destroy || "$OPERATION" == pause ]]; then
    fail "$what $checked is protected (protected-environments): it is never ${OPERATION%e}ed by this workflow"
  fi
  # The job's environment: is this input, so an empty one means no reviewers and no
  # environment-scoped OIDC subject stand between a branch push and this environment.
  if [[ -z "$GH_ENVIRONMENT" ]]; then
    fail "$what $checked is protected (protected-environments): set github-environment so the job runs in a GitHub environment with reviewers"
  fi
done

echo "protected=$is_protected" >> "$GITHUB_OUTPUT"

# A failure report holds the environment's log lines and stopped tasks: a protected one's stays
# in its own tier (the production account's bucket), never an artifact every reader of the
# repository may download; a preview's is an artifact.
if [[ "$is_protected" == true ]]; then
  echo "failure-report-artifact=false" >> "$GITHUB_OUTPUT"
  if [[ -n "${REPORT_BUCKET:-}" ]]; then
    # S3's bucket naming rules, checked before anything is applied or registered.
    if [[ ! "$REPORT_BUCKET" =~ ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$ ]]; then
      fail "failure-report-bucket $(shown "$REPORT_BUCKET") is not an S3 bucket name"
    fi
    echo "failure-report-location=s3://$REPORT_BUCKET/failure-reports/$report_name/" >> "$GITHUB_OUTPUT"
  elif [[ "$OPERATION" == deploy ]]; then
    echo "::notice::failure-report-bucket is empty: a failure report of $ENV_NAME would stay on the runner only (its summary and log keep the reason and last lines)"
  fi
else
  echo "failure-report-artifact=true" >> "$GITHUB_OUTPUT"
fi

while IFS= read -r ref; do
  ref="${ref#"${ref%%[![:space:]]*}"}"
  ref="${ref%"${ref##*[![:space:]]}"}"
  [[ -z "$ref" ]] && continue
  # An ECR tag (1-128 of [A-Za-z0-9._-], not starting with . or -) or an image digest.
  if [[ ! "$ref" =~ ^sha256:[0-9a-f]{64}$ && ! "$ref" =~ ^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$ ]]; then
    fail "image-tag $(shown "$ref") must be an image tag or a digest sha256:<64 hex>"
  fi
done <<< "${IMAGE_TAGS:-}"$'\n'"${IMAGE_TAG:-}"$'\n'"${FRONTEND_IMAGE_TAG:-}"

# What the vulnerability gate scans: a digest pins repository@sha256:…, anything else is a tag.
reference() { if [[ "$2" == sha256:* ]]; then echo "$1@$2"; else echo "$1:$2"; fi; }
{
  echo "images<<IMAGES_EOF"
  if [[ -n "${IMAGE_TAG:-}" ]]; then reference "${BACKEND_REPOSITORY:-}" "$IMAGE_TAG"; fi
  if [[ -n "${FRONTEND_IMAGE_TAG:-}" ]]; then reference "${FRONTEND_REPOSITORY:-}" "$FRONTEND_IMAGE_TAG"; fi
  echo "IMAGES_EOF"
  # Protected environments are gated on CRITICAL findings unless the caller chose otherwise.
  echo "scan-threshold=${SCAN_THRESHOLD:-$([[ "$is_protected" == true ]] && echo CRITICAL || echo none)}"
} >> "$GITHUB_OUTPUT"
# Names only: the workflow computed them from secrets.*, no value is here.
while IFS= read -r missing; do
  missing="${missing#"${missing%%[![:space:]]*}"}"
  [[ -z "$missing" ]] && continue
  fail "secret ${missing} is required: pass it in the caller's secrets: (or secrets: inherit)"
done <<< "${MISSING_SECRETS:-}"
echo "environment $ENV_NAME: ok"
