################################################################################
# Identity
################################################################################

variable "name" {
  description = "Environment name (ad hoc: the Terraform workspace / <name>.tfvars; production: e.g. \"prod\"). Every resource name derives from it."
  type        = string

  validation {
    # 20 characters keeps every derived name inside AWS limits: target groups
    # "<name>-frontend" (32), IAM role "<name>-task" (64), Cloud Map "<name>-redis"
    # (63-character DNS label), S3 "<prefix><name>" (63). Lowercase only because S3 and
    # DNS are; no leading digit, trailing or double hyphen (target group and DNS rules).
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name)) && !strcontains(var.name, "--")
    error_message = "name must be 2-20 characters of lowercase letters, digits and single hyphens, start with a letter and end with a letter or digit (e.g. \"feature-abc\"); derived AWS names (target groups: 32 characters) must fit."
  }
}

variable "domain" {
  description = "Domain the environment lives under; the URL is https://<name>.<domain> unless hostname is set."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lowercase DNS name such as dev.example.com."
  }
}

variable "hostname" {
  description = "Host name of the environment, overriding <name>.<domain> (production: e.g. app.example.com). Must be covered by the ALB certificate."
  type        = string
  default     = null

  validation {
    condition     = var.hostname == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.hostname))
    error_message = "hostname must be a lowercase DNS name."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

################################################################################
# Shared infrastructure (outputs of the shared module)
################################################################################

variable "vpc_id" {
  description = "VPC of the shared infrastructure."
  type        = string
}

variable "subnet_ids" {
  description = "Subnets for the tasks (shared output app_subnet_ids)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "subnet_ids needs at least one subnet."
  }
}

variable "assign_public_ip" {
  description = "Give tasks a public IP (needed in public subnets without a NAT gateway; shared output assign_public_ip)."
  type        = bool
  default     = false
}

variable "app_security_group_id" {
  description = "Security group of the tasks (shared output app_security_group_id): open to the ALB only."
  type        = string
}

variable "alb_listener_arn" {
  description = "HTTPS listener of the shared ALB the rules are added to."
  type        = string
}

variable "alb_dns_name" {
  description = "DNS name of the shared ALB (Route 53 alias target)."
  type        = string
}

variable "alb_zone_id" {
  description = "Hosted zone ID of the shared ALB (Route 53 alias target)."
  type        = string
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the shared ALB; needed for request-count autoscaling and the 5xx alarm."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Hosted zone for the environment's record."
  type        = string
}

variable "create_dns_record" {
  description = "Create the Route 53 alias record for the host name."
  type        = bool
  default     = true
}

variable "service_discovery_namespace_id" {
  description = "Cloud Map private DNS namespace ID; redis registers as <name>-redis in it."
  type        = string
}

variable "service_discovery_namespace_name" {
  description = "Name of that namespace (builds REDIS_URL)."
  type        = string
}

variable "rds_address" {
  description = "Host name of the shared PostgreSQL instance."
  type        = string
}

variable "rds_port" {
  description = "Port of the shared PostgreSQL instance."
  type        = number
  default     = 5432
}

variable "execution_role_arn" {
  description = "An ECS task execution role to use instead of the environment's own (<name>-execution, which reads only this environment's secrets and those in var.secrets). The shared stack's task_execution_role_arn reads every environment's secrets: leave null."
  type        = string
  default     = null
}

variable "iam_role_path" {
  description = "IAM path of the task role (the deploy role may pass roles under it)."
  type        = string
  default     = "/adhoc-actions/"

  validation {
    condition     = can(regex("^/([a-zA-Z0-9+=,.@_-]+/)*$", var.iam_role_path))
    error_message = "iam_role_path must start and end with '/', e.g. /adhoc-actions/."
  }
}

################################################################################
# Application
################################################################################

variable "backend_image" {
  description = "Backend image (repository:tag or repository@sha256:<digest>) of the FIRST revision of gunicorn, celery, beat and migrate; later changes are ignored (the actions deploy images)."
  type        = string

  validation {
    condition     = can(regex("^[^\\s@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$", var.backend_image))
    error_message = "backend_image must be repository:tag or repository@sha256:<64 lowercase hex>."
  }
}

variable "frontend_image" {
  description = "Frontend (nginx) image of the FIRST revision, repository:tag or repository@sha256:<digest>; later changes are ignored."
  type        = string

  validation {
    condition     = can(regex("^[^\\s@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$", var.frontend_image))
    error_message = "frontend_image must be repository:tag or repository@sha256:<64 lowercase hex>."
  }
}

variable "redis_image" {
  description = "Redis image (ECR Public avoids Docker Hub rate limits)."
  type        = string
  default     = "public.ecr.aws/docker/library/redis:7-alpine"
}

variable "backend_port" {
  description = "Port gunicorn listens on."
  type        = number
  default     = 8000
}

variable "frontend_port" {
  description = "Port the frontend container listens on."
  type        = number
  default     = 80
}

variable "gunicorn_command" {
  description = "Command of the gunicorn container."
  type        = list(string)
  default     = ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-", "backend.wsgi"]
}

variable "celery_command" {
  description = "Command of the celery worker container."
  type        = list(string)
  default     = ["celery", "--app", "backend.celery_app:app", "worker", "--loglevel", "INFO"]
}

variable "beat_command" {
  description = "Command of the celery beat container."
  type        = list(string)
  default     = ["celery", "--app", "backend.celery_app:app", "beat", "--loglevel", "INFO"]
}

variable "migrate_command" {
  description = "Default command of the one-off migrate task (run-migration-task overrides it, e.g. for collectstatic)."
  type        = list(string)
  default     = ["python", "manage.py", "migrate", "--no-input"]
}

variable "environment_variables" {
  description = "Extra plain-text environment of the backend containers (overrides the generated ones). Never put secrets here."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Backend secrets: environment variable name => SSM parameter or Secrets Manager ARN (fetched by the execution role at start-up)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.secrets) : can(regex("^arn:aws[a-z-]*:(ssm|secretsmanager):", v))])
    error_message = "secrets values must be SSM parameter or Secrets Manager ARNs, not plain-text values."
  }
}

variable "database_name" {
  description = "Database name in the shared instance. Defaults to the name with '-' replaced by '_'."
  type        = string
  default     = null

  validation {
    condition     = var.database_name == null || can(regex("^[a-z_][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a lowercase PostgreSQL identifier of at most 63 characters."
  }
}

variable "backend_paths" {
  description = "Path patterns routed to gunicorn; everything else on the host goes to the frontend. At most 24 (3 per listener rule, 8 rules; the block's 9th priority is the paused page's)."
  type        = list(string)
  default     = ["/api/*", "/admin/*", "/graphql", "/static/*"]

  validation {
    condition     = length(var.backend_paths) >= 1 && length(var.backend_paths) <= 24 && alltrue([for p in var.backend_paths : startswith(p, "/") && length(p) <= 128])
    error_message = "backend_paths must hold 1-24 patterns, each starting with '/' and at most 128 characters."
  }
}

variable "backend_health_check_path" {
  description = "Health check path of the gunicorn target group."
  type        = string
  default     = "/api/health/"
}

variable "frontend_health_check_path" {
  description = "Health check path of the frontend target group."
  type        = string
  default     = "/"
}

variable "deregistration_delay" {
  description = "Seconds the ALB drains a target before deregistering it."
  type        = number
  default     = 30
}

variable "listener_priority_slot" {
  description = "Block of listener rule priorities of this environment on the shared listener: slot N uses priorities 10N+1 .. 10N+10, so distinct slots never collide. Null derives the slot from a hash of the name (collision chance about 1 in 5000 per pair; a collision fails the apply with PriorityInUse — then set a slot)."
  type        = number
  default     = null

  validation {
    condition     = var.listener_priority_slot == null || try(var.listener_priority_slot >= 0 && var.listener_priority_slot <= 4998 && floor(var.listener_priority_slot) == var.listener_priority_slot, false)
    error_message = "listener_priority_slot must be a whole number from 0 to 4998 (priorities go up to 50000)."
  }
}

################################################################################
# Compute
################################################################################

variable "capacity_provider_strategy" {
  description = "Capacity providers of every service. Ad hoc: FARGATE_SPOT only (default). Production: e.g. FARGATE base 1, optionally with FARGATE_SPOT weight."
  type = list(object({
    capacity_provider = string
    weight            = number
    base              = optional(number, 0)
  }))
  default = [{ capacity_provider = "FARGATE_SPOT", weight = 1 }]

  validation {
    condition     = length(var.capacity_provider_strategy) >= 1 && alltrue([for s in var.capacity_provider_strategy : contains(["FARGATE", "FARGATE_SPOT"], s.capacity_provider) && s.weight >= 0 && s.base >= 0])
    error_message = "capacity_provider_strategy entries must use FARGATE or FARGATE_SPOT with non-negative weight and base."
  }
}

variable "task_sizes" {
  description = "CPU units and memory (MiB) per task, by component (gunicorn, celery, beat, frontend, redis, migrate); missing ones get 256/512."
  type = map(object({
    cpu    = number
    memory = number
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.task_sizes) : contains(["gunicorn", "celery", "beat", "frontend", "redis", "migrate"], k)])
    error_message = "task_sizes keys must be among gunicorn, celery, beat, frontend, redis, migrate."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the tasks (X86_64 or ARM64; images must match)."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "desired_counts" {
  description = "Desired task counts of gunicorn, celery and frontend (beat and redis always run one). With autoscaling, gunicorn and celery start here and the scaler owns them."
  type = object({
    gunicorn = optional(number, 1)
    celery   = optional(number, 1)
    frontend = optional(number, 1)
  })
  default = {}
}

variable "enable_execute_command" {
  description = "Allow ECS Exec (interactive shells through SSM) into the tasks."
  type        = bool
  default     = true
}

variable "container_insights" {
  description = "Enable CloudWatch Container Insights on the cluster (extra cost)."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

################################################################################
# Storage
################################################################################

variable "s3_bucket_prefix" {
  description = "Prefix of the environment's S3 bucket; the bucket is <prefix><name> (bucket names are global, e.g. \"acme-adhoc-\")."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*$", var.s3_bucket_prefix)) && length(var.s3_bucket_prefix) <= 43
    error_message = "s3_bucket_prefix must be lowercase letters, digits and hyphens, at most 43 characters (so <prefix><name> fits 63)."
  }
}

variable "s3_force_destroy" {
  description = "Delete the bucket's objects on destroy (true for ad hoc environments, false for production)."
  type        = bool
  default     = true
}

################################################################################
# Production: autoscaling and alarms
################################################################################

variable "autoscaling_enabled" {
  description = "Target-tracking autoscaling of gunicorn (CPU, ALB requests) and celery (CPU). The scaler then owns desired_count."
  type        = bool
  default     = false
}

variable "gunicorn_scaling" {
  description = "Gunicorn autoscaling: task range, CPU target (%) and ALB requests per target (null disables that policy)."
  type = object({
    min_count            = optional(number, 2)
    max_count            = optional(number, 10)
    cpu_target           = optional(number, 60)
    requests_per_target  = optional(number, 1000)
    scale_in_cooldown_s  = optional(number, 300)
    scale_out_cooldown_s = optional(number, 60)
  })
  default = {}

  validation {
    condition     = var.gunicorn_scaling.min_count >= 1 && var.gunicorn_scaling.max_count >= var.gunicorn_scaling.min_count && var.gunicorn_scaling.cpu_target > 0 && var.gunicorn_scaling.cpu_target <= 100
    error_message = "gunicorn_scaling needs 1 <= min_count <= max_count and 0 < cpu_target <= 100."
  }
}

variable "celery_scaling" {
  description = "Celery autoscaling: task range and CPU target (%)."
  type = object({
    min_count            = optional(number, 1)
    max_count            = optional(number, 5)
    cpu_target           = optional(number, 70)
    scale_in_cooldown_s  = optional(number, 300)
    scale_out_cooldown_s = optional(number, 60)
  })
  default = {}

  validation {
    condition     = var.celery_scaling.min_count >= 1 && var.celery_scaling.max_count >= var.celery_scaling.min_count && var.celery_scaling.cpu_target > 0 && var.celery_scaling.cpu_target <= 100
    error_message = "celery_scaling needs 1 <= min_count <= max_count and 0 < cpu_target <= 100."
  }
}

variable "alarms_enabled" {
  description = "Create CloudWatch alarms: target 5xx, unhealthy targets, high CPU of gunicorn and celery."
  type        = bool
  default     = false
}

variable "alarm_sns_topic_arns" {
  description = "SNS topics notified when an alarm fires and recovers."
  type        = list(string)
  default     = []
}

variable "alarm_5xx_threshold" {
  description = "Target 5xx responses per 5 minutes that raise the alarm."
  type        = number
  default     = 10
}

variable "alarm_cpu_threshold" {
  description = "Average CPU (%) over 5 minutes that raises the high-CPU alarms."
  type        = number
  default     = 85
}

################################################################################
# Pause and keep (the pause workflow and the janitor)
################################################################################

variable "paused" {
  description = "Scale every service to 0 and answer the URL with a page saying the environment is paused, keeping its database, bucket, URL and configuration. Any apply without it resumes the environment (a deploy wakes it)."
  type        = bool
  default     = false
}

variable "paused_status_code" {
  description = "HTTP status of the paused page: 200 for people, or e.g. 503 so monitors see it down."
  type        = number
  default     = 200

  validation {
    condition     = contains([200, 202, 410, 423, 503], var.paused_status_code)
    error_message = "paused_status_code must be one of 200, 202, 410, 423 or 503."
  }
}

variable "keep_until" {
  description = "A date (YYYY-MM-DD) until which the janitor neither pauses nor destroys this environment, however idle; empty for none."
  type        = string
  default     = ""

  validation {
    condition     = var.keep_until == "" || can(regex("^\\d{4}-\\d{2}-\\d{2}$", var.keep_until)) && can(formatdate("YYYY", "${var.keep_until}T00:00:00Z"))
    error_message = "keep_until must be a date YYYY-MM-DD (or empty)."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the task role (the shared module's permissions_boundary_arn output)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "secrets_prefix" {
  description = "Secrets of this environment are named <secrets_prefix>/<name>/... (the shared module's secrets_prefix output; its execution role reads them)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_+=.@-]+(/[A-Za-z0-9_+=.@-]+)*$", var.secrets_prefix))
    error_message = "secrets_prefix must be a secret name prefix such as adhoc (no leading or trailing /)."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret of this environment can be recovered: 0 (the default) deletes at once, so an ad hoc environment can be made again under its name; production: 7 to 30."
  type        = number
  default     = 0
}
