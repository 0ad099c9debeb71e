variable "repository" {
  description = "GitHub repository (\"owner/name\") whose workflows may assume the role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_.-]+$", var.repository))
    error_message = "repository must be \"owner/name\", e.g. acme/webapp (no wildcards)."
  }
}

variable "subject_claims" {
  description = "Required: the OIDC `sub` claims (StringLike) allowed to assume the role, each of this repository and naming a context, e.g. [\"repo:acme/webapp:environment:production\"]. A context GitHub does not send by name is refused (repo:<repository>:*, repo:<repository>:?*): it would trust every workflow and branch. Contexts: pull_request, ref:refs/heads/… or ref:refs/tags/…, environment:<name>."
  type        = list(string)

  validation {
    condition     = length(var.subject_claims) >= 1
    error_message = "subject_claims needs at least one entry, e.g. repo:acme/webapp:environment:production."
  }
}

variable "job_workflow_refs" {
  description = "When set, the role is assumable only from jobs of these reusable workflows (StringLike on the `job_workflow_ref` claim, e.g. \"adhoc-actions/adhoc-actions/.github/workflows/production-deploy.yml@refs/tags/v1*\"). See the README for accounts where STS does not check that claim."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for r in var.job_workflow_refs : can(regex("^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9_.-]+/\\.github/workflows/[^@]+@refs/.+$", r))])
    error_message = "job_workflow_refs entries must look like owner/repo/.github/workflows/<file>@refs/<heads|tags>/<name> (wildcards allowed after the owner)."
  }
}

variable "create_oidc_provider" {
  description = "Create the token.actions.githubusercontent.com OIDC provider (one per account; set false and pass oidc_provider_arn if it exists)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing GitHub OIDC provider (when create_oidc_provider = false)."
  type        = string
  default     = null
}

variable "role_name" {
  description = "Name of the deploy role."
  type        = string
  default     = "github-actions-deploy"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "role_path" {
  description = "IAM path of the deploy role. Keep it outside iam_role_path of the task roles so the role cannot pass itself."
  type        = string
  default     = "/github-actions/"

  validation {
    condition     = can(regex("^/([a-zA-Z0-9+=,.@_-]+/)*$", var.role_path))
    error_message = "role_path must start and end with '/'."
  }
}

variable "max_session_duration" {
  description = "Maximum session length in seconds (long migrations need more than the 1 hour default)."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds."
  }
}

variable "ecs_cluster_names" {
  description = "Names (or name patterns like \"pr-*\") of the ECS clusters the role may deploy to. The default allows every cluster of the account and region."
  type        = list(string)
  default     = ["*"]

  validation {
    condition     = length(var.ecs_cluster_names) >= 1
    error_message = "ecs_cluster_names needs at least one entry."
  }
}

variable "log_group_prefix" {
  description = "The role may read CloudWatch log groups whose names start with this (the environment module uses /ecs/<env>/...)."
  type        = string
  default     = "/ecs/"

  validation {
    condition     = startswith(var.log_group_prefix, "/") && length(var.log_group_prefix) > 1
    error_message = "log_group_prefix must start with '/' and not be just '/'."
  }
}

variable "ecr_repository_arns" {
  description = "ECR repositories the role may push to and pull from."
  type        = list(string)
  default     = []
}

variable "ecr_read_repository_arns" {
  description = "ECR repositories the role may only read (pull, describe, scan findings): a deploy role reads the images it deploys and pushes none."
  type        = list(string)
  default     = []
}

variable "pass_role_arns" {
  description = "Task and execution roles the role may pass to ECS (ARNs or path patterns such as arn:aws:iam::123456789012:role/adhoc-actions/*)."
  type        = list(string)

  validation {
    condition     = length(var.pass_role_arns) >= 1 && alltrue([for a in var.pass_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+", a))])
    error_message = "pass_role_arns must list role ARNs (arn:aws:iam::<account>:role/...) — a bare \"*\" is not allowed."
  }
}

variable "state_bucket_arn" {
  description = "ARN of the Terraform state bucket the workflows read and write (null: no state access)."
  type        = string
  default     = null
}

variable "state_object_keys" {
  description = "State objects (keys, IAM wildcards allowed) the role may read, write and delete, e.g. [\"env:/*/adhoc/terraform.tfstate*\"]; the S3 lockfile is <key>.tflock. Required with state_bucket_arn: no role gets every state object by default."
  type        = list(string)
  default     = []
}

variable "state_read_only_keys" {
  description = "State objects the role may only read (e.g. the shared infrastructure's state, read through terraform_remote_state)."
  type        = list(string)
  default     = []
}

variable "report_object_keys" {
  description = "Objects (keys, IAM wildcards allowed) of the state bucket the role may write, and only write, failure reports to: a protected environment's, kept in its own tier instead of a workflow artifact, e.g. [\"failure-reports/prod/*\"]."
  type        = list(string)
  default     = []
}

variable "deny" {
  description = "Explicit denies that win over any allow (here or in additional_policy_arns): ECS clusters (and their services and tasks), IAM roles (PassRole and AssumeRole) and state object keys of another stage, e.g. production's from a preview role."
  type = object({
    ecs_cluster_names = optional(list(string), [])
    role_arns         = optional(list(string), [])
    # Roles the environment apply may pass but not change, though their names match its own
    # (the shared stack's execution role, <shared>-ecs-task-execution).
    fixed_role_arns   = optional(list(string), [])
    state_object_keys = optional(list(string), [])
    # The only prefixes the role may list in the state bucket (Terraform lists
    # "<workspace_key_prefix>/"), e.g. ["env:/"]: the keys of other tiers' objects, such as
    # their failure reports' run ids, stay unlisted. The bucket's own settings (its policy
    # included) are denied too, but its versioning status is not. null: no such deny.
    state_list_prefixes = optional(list(string))
    # Environment names whose families, log groups, bucket, secrets and task role are denied
    # too (production's, staging's): task definitions are not inside a cluster.
    environment_names = optional(list(string), [])
  })
  default = {}
}

variable "state_lock_table_arn" {
  description = "ARN of the DynamoDB lock table (null when S3 native locking is used)."
  type        = string
  default     = null
}

variable "readable_secret_arns" {
  description = "Secrets Manager secrets the workflows may read (e.g. the RDS master secret for create-database)."
  type        = list(string)
  default     = []
}

variable "additional_policy_arns" {
  description = "Managed policies attached as well, e.g. the rights `terraform apply` of the ad hoc environments needs."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "environment_apply" {
  description = <<-EOT
    When set, the role may plan, apply and destroy roots of the environment module (the ad hoc
    apply of ad-hoc-deploy, ad-hoc-destroy, pause and the janitor) with nothing attached, each
    right scoped to an environment's own names: cluster <name>, families and target groups
    <name>-*, log groups <log_group_prefix><name>/*, the bucket <bucket_prefix><name>, the task
    role <iam_role_path><name>-task (created only with permissions_boundary_arn), secrets
    <secrets_prefix>/<name>/*, records in hosted_zone_ids, rules of listener_arns, services in
    Cloud Map and security groups tagged adhoc-actions:environment. deny names what stays out
    of reach whatever the patterns allow.
  EOT
  type = object({
    bucket_prefix            = string
    iam_role_path            = string
    permissions_boundary_arn = string
    secrets_prefix           = string
    hosted_zone_ids          = list(string)
    listener_arns            = list(string)
    log_group_prefix         = optional(string, "/ecs/")
  })
  default = null
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the role (the permissions-boundaries module's deploy_boundary_arn): what it may do whatever policies are attached later."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "infrastructure_apply" {
  description = <<-EOT
    When set, the role may plan, apply and destroy a root of the shared and environment modules
    (the prod example, through terraform.yml's apply job): every action that root's Terraform
    calls (terraform-actions.json, recorded from an apply, a re-plan and a destroy), IAM only
    on roles under iam_role_path and only with permissions_boundary_arn. Meant for a role of
    the production account; in one account it reaches every resource of those services.
  EOT
  type = object({
    iam_role_path            = string
    permissions_boundary_arn = string
    # Secret values (the environments' passwords the deploy generates into their empty secrets)
    # only under <secrets_prefix>/; null: none.
    secrets_prefix = optional(string)
  })
  default = null
}

variable "readable_log_groups" {
  description = "More log groups (names) the role may read, beside its environments' own (e.g. the shared stack's db-admin, whose output create-database reads)."
  type        = list(string)
  default     = []
}

variable "preflight" {
  description = "Let the role run doctor (the preflight): read the GitHub roles and simulate them (iam:GetRole, iam:SimulatePrincipalPolicy on role_path), the OIDC provider, the state bucket's versioning, certificates and the shared stack's secrets' descriptions (never values)."
  type = object({
    secrets_prefix = string
  })
  default = null
}
