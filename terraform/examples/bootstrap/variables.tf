variable "region" {
  description = "AWS region."
  type        = string
  default     = "us-east-1"
}

variable "state_bucket_name" {
  description = "Globally unique name of the Terraform state bucket."
  type        = string
}

variable "repository" {
  description = "GitHub repository (owner/name) allowed to deploy."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = { project = "adhoc-actions" }
}

variable "workflows_repository" {
  description = "The repository whose reusable workflows production jobs must run (owner/name)."
  type        = string
  default     = "adhoc-actions/adhoc-actions"
}

variable "workflows_ref" {
  description = "Ref of those reusable workflows production jobs must run (job_workflow_ref after '@'); callers use @v1."
  type        = string
  default     = "refs/tags/v1*"
}

variable "prod_cluster_name" {
  description = "Production's ECS cluster (the prod example names it prod)."
  type        = string
  default     = "prod"
}

variable "prod_iam_role_path" {
  description = "IAM path of production's task and execution roles (iam_role_path of the prod example); kept apart from the ad hoc path so a preview role cannot pass them."
  type        = string
  default     = "/adhoc-actions-prod/"
}

variable "adhoc_iam_role_path" {
  description = "IAM path of the ad hoc environments' roles (iam_role_path of the shared example)."
  type        = string
  default     = "/adhoc-actions/"
}

variable "prod_state_key" {
  description = "State key of the prod root (backend-config key of production.yml)."
  type        = string
  default     = "prod/terraform.tfstate"
}

variable "adhoc_state_key" {
  description = "State key of the ad hoc root; its workspaces live under env:/<name>/<key>."
  type        = string
  default     = "adhoc/terraform.tfstate"
}

variable "shared_state_key" {
  description = "State key of the shared root (read by the ad hoc root through terraform_remote_state)."
  type        = string
  default     = "shared/terraform.tfstate"
}

variable "preview_contexts" {
  description = "OIDC sub contexts (after repo:<repository>:) that may assume the preview role; it reaches nothing of production whatever they are."
  type        = list(string)
  default     = ["pull_request", "ref:refs/heads/*", "environment:preview"]
}

variable "plan_read_only_policy_arns" {
  description = "Extra managed policies for github-actions-plan, for resource types you add to the prod root. Its inline policy already allows the refresh of the example's resources, and denies every state write but the lock, every secret, parameter, log and object value, iam:PassRole and sts:AssumeRole whatever these grant."
  type        = list(string)
  default     = []
}

variable "protected_environments" {
  description = "More environments of the production tier whose clusters, families, log groups, buckets, secrets and roles the preview role is denied (prod_cluster_name and staging_name always are)."
  type        = list(string)
  default     = []
}

variable "hosted_zone_ids" {
  description = "Route 53 hosted zones in which the preview role may write the ad hoc environments' records (the shared stack's route53_zone_id)."
  type        = list(string)
  default     = []
}

variable "adhoc_shared_name" {
  description = "name of the shared stack (its ALB, whose listener the ad hoc environments add rules to)."
  type        = string
  default     = "adhoc"
}

variable "adhoc_bucket_prefix" {
  description = "s3_bucket_prefix of the ad hoc environments (buckets <prefix><name>)."
  type        = string
  default     = "acme-adhoc-"
}

variable "adhoc_secrets_prefix" {
  description = "secrets_prefix of the shared stack: each ad hoc environment's secrets are <prefix>/<name>/..."
  type        = string
  default     = "adhoc"
}

variable "staging_name" {
  description = "Staging's environment name: of the production tier (deployed by github-actions-production in the GitHub environment of that name), denied to the preview role."
  type        = string
  default     = "staging"
}

variable "prod_bucket_name" {
  description = "Production's static and media bucket (s3_bucket_prefix + prod of the prod root): the plan role refreshes it."
  type        = string
  default     = "acme-prod"
}

variable "prod_secrets_prefix" {
  description = "secrets_prefix of the prod root's shared stack (its name, prod): the production role reads and writes secret values only under it, and the plan role reads back prod's Redis password only."
  type        = string
  default     = "prod"
}
