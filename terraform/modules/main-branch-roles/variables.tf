variable "oidc_provider_arn" {
  description = "ARN of the account's GitHub OIDC provider (the github-oidc module's oidc_provider_arn)."
  type        = string
}

variable "repository" {
  description = "The GitHub repository (owner/name) whose main branch the roles trust."
  type        = string
}

variable "workflows_repository" {
  description = "The repository of the reusable workflows the jobs must run (owner/name)."
  type        = string
  default     = "adhoc-actions/adhoc-actions"
}

variable "workflows_ref" {
  description = "Ref of those reusable workflows (job_workflow_ref after '@')."
  type        = string
  default     = "refs/tags/v1*"
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the roles (the permissions-boundaries module's deploy_boundary_arn)."
  type        = string
}

variable "plan" {
  description = "Makes github-actions-plan: the state bucket and prod's state key (it reads the state and writes only <key>.tflock), the buckets whose existence the plan checks (prod's static bucket), and managed policies for resource types added to the prod root. null: no plan role."
  type = object({
    state_bucket_name     = string
    state_key             = string
    bucket_names          = optional(list(string), [])
    read_only_policy_arns = optional(list(string), [])
  })
  default = null
}

variable "build" {
  description = "Makes github-actions-build, which pushes to push_repository_arns (the release repositories). null: no build role."
  type = object({
    push_repository_arns = list(string)
  })
  default = null
}

variable "review" {
  description = "Makes github-actions-review, the read-only role of app-update's review job (production-deploy: what the approval would deploy, shown before it): DescribeServices in cluster_names, the task definitions, DescribeSecret under secrets_prefixes. null: no review role."
  type = object({
    cluster_names    = list(string)
    secrets_prefixes = list(string)
  })
  default = null
}

variable "tags" {
  description = "Tags of the roles."
  type        = map(string)
  default     = {}
}
