variable "region" {
  description = "AWS region of both accounts' resources."
  type        = string
  default     = "us-east-1"
}

variable "production_account_role_arn" {
  description = "An admin role of the production account that this apply assumes (e.g. OrganizationAccountAccessRole)."
  type        = string
}

variable "preview_account_role_arn" {
  description = "An admin role of the preview/build account that this apply assumes."
  type        = string
}

variable "repository" {
  description = "The GitHub repository (owner/name) whose workflows assume the roles."
  type        = string
}

variable "production_state_bucket_name" {
  description = "State bucket of the production account (repository variable PRODUCTION_STATE_BUCKET: prod's and staging's backend)."
  type        = string
  default     = "acme-prod-terraform-state"
}

variable "preview_state_bucket_name" {
  description = "State bucket of the preview/build account (repository variable STATE_BUCKET: the previews' backend)."
  type        = string
  default     = "acme-terraform-state"
}

variable "tags" {
  description = "Tags of everything this root makes."
  type        = map(string)
  default     = { project = "adhoc-actions" }
}

variable "workflows_repository" {
  description = "The repository whose reusable workflows the jobs must run (owner/name)."
  type        = string
  default     = "adhoc-actions/adhoc-actions"
}

variable "workflows_ref" {
  description = "Ref of those reusable workflows (job_workflow_ref after '@'); callers use @v1."
  type        = string
  default     = "refs/tags/v1*"
}

variable "prod_cluster_name" {
  description = "Production's ECS cluster (the prod example names it prod)."
  type        = string
  default     = "prod"
}

variable "staging_name" {
  description = "Staging's environment name: an environment of the ad hoc root applied in the production account, from the GitHub environment of that name."
  type        = string
  default     = "staging"
}

variable "prod_iam_role_path" {
  description = "IAM path of production's task and execution roles (iam_role_path of the prod example)."
  type        = string
  default     = "/adhoc-actions-prod/"
}

variable "adhoc_iam_role_path" {
  description = "IAM path of the ad hoc root's environments' roles (staging's in the production account, the previews' in the other)."
  type        = string
  default     = "/adhoc-actions/"
}

variable "prod_state_key" {
  description = "State key of the prod root."
  type        = string
  default     = "prod/terraform.tfstate"
}

variable "adhoc_state_key" {
  description = "State key of the ad hoc root; its workspaces live under env:/<name>/<key>."
  type        = string
  default     = "adhoc/terraform.tfstate"
}

variable "shared_state_key" {
  description = "State key of the shared root, in each account (staging's shared stack in production's, the previews' in the other)."
  type        = string
  default     = "shared/terraform.tfstate"
}

variable "shared_name" {
  description = "name of the shared stack in each account (its ALB and db-admin task)."
  type        = string
  default     = "adhoc"
}

variable "secrets_prefix" {
  description = "secrets_prefix of the shared stacks: an environment's secrets are <prefix>/<name>/..."
  type        = string
  default     = "adhoc"
}

variable "staging_bucket_prefix" {
  description = "s3_bucket_prefix of staging (its bucket is <prefix><staging_name>)."
  type        = string
  default     = "acme-"
}

variable "preview_bucket_prefix" {
  description = "s3_bucket_prefix of the previews (buckets <prefix><name>)."
  type        = string
  default     = "acme-adhoc-"
}

variable "prod_bucket_name" {
  description = "Production's static and media bucket: the plan role refreshes it."
  type        = string
  default     = "acme-prod"
}

variable "preview_contexts" {
  description = "OIDC sub contexts (after repo:<repository>:) that may assume the preview role."
  type        = list(string)
  default     = ["pull_request", "ref:refs/heads/*", "environment:preview"]
}

variable "plan_read_only_policy_arns" {
  description = "Extra managed policies for github-actions-plan (its denies still hold)."
  type        = list(string)
  default     = []
}

variable "production_hosted_zone_ids" {
  description = "Route 53 zones of the production account where staging's record is written."
  type        = list(string)
  default     = []
}

variable "preview_hosted_zone_ids" {
  description = "Route 53 zones of the preview account where the previews' records are written."
  type        = list(string)
  default     = []
}

variable "prod_secrets_prefix" {
  description = "secrets_prefix of the prod root's shared stack (its name, prod): the production role reads and writes secret values only under it, and the plan role reads back prod's Redis password only."
  type        = string
  default     = "prod"
}
