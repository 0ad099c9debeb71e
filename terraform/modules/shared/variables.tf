variable "name" {
  description = "Name of this shared stack (e.g. \"adhoc\" or \"prod\"); prefixes every resource name."
  type        = string

  validation {
    # ALB names are limited to 32 characters; "<name>-alb" must fit, and DB identifiers
    # must start with a letter.
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.name)) && !strcontains(var.name, "--")
    error_message = "name must be 2-20 characters: lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "domain" {
  description = "DNS domain of the environments (each gets <env>.<domain>), e.g. \"dev.example.com\"."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain))
    error_message = "domain must be a lowercase DNS name such as dev.example.com."
  }
}

variable "route53_zone_id" {
  description = "ID of the public Route 53 hosted zone that holds domain (used for the certificate validation and passed on to environments)."
  type        = string
}

variable "certificate_arn" {
  description = "ARN of an existing ACM certificate for *.<domain>. When null a wildcard certificate is created and validated through route53_zone_id."
  type        = string
  default     = null
}

variable "azs" {
  description = "Availability zones for the subnets (at least 2; an ALB and an RDS subnet group need two)."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 6
    error_message = "azs must list 2 to 6 availability zones."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC (a /16 to /20; subnets are /24-equivalent slices of it)."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be a valid IPv4 CIDR block of size /20 or larger."
  }
}

variable "enable_nat_gateway" {
  description = "Create one NAT gateway so tasks can run in private subnets (about 32 USD/month plus traffic). When false, tasks run in public subnets with a public IP — still only reachable through the ALB because of the security groups."
  type        = bool
  default     = false
}

variable "service_discovery_namespace" {
  description = "Name of the Cloud Map private DNS namespace (redis is <env>-redis.<namespace>). Defaults to <name>.internal."
  type        = string
  default     = null
}

variable "alb_deletion_protection" {
  description = "Protect the shared load balancer from deletion."
  type        = bool
  default     = false
}

variable "alb_idle_timeout" {
  description = "ALB idle timeout in seconds."
  type        = number
  default     = 60
}

variable "db_engine_version" {
  description = "PostgreSQL engine version (major, or major.minor)."
  type        = string
  default     = "15"

  validation {
    condition     = can(regex("^15(\\.[0-9]+)?$", var.db_engine_version))
    error_message = "db_engine_version must be PostgreSQL 15 (\"15\" or \"15.x\")."
  }
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Upper limit for storage autoscaling in GiB (0 disables it)."
  type        = number
  default     = 100
}

variable "db_username" {
  description = "Master user name. The password is generated and kept in Secrets Manager by RDS (manage_master_user_password)."
  type        = string
  default     = "dbadmin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_username)) && !contains(["postgres", "rdsadmin", "admin"], var.db_username)
    error_message = "db_username must start with a letter, use lowercase letters, digits or '_', and not be a reserved name (postgres, rdsadmin, admin)."
  }
}

variable "db_multi_az" {
  description = "Run RDS in Multi-AZ (production)."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated RDS backups."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 0 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 0 and 35."
  }
}

variable "db_backup_window" {
  description = "Daily UTC window of the automated backup (hh:mm-hh:mm, at least 30 minutes; null lets RDS choose)."
  type        = string
  default     = null

  validation {
    condition     = var.db_backup_window == null || can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.db_backup_window))
    error_message = "db_backup_window must be hh:mm-hh:mm (UTC)."
  }
}

variable "db_delete_automated_backups" {
  description = "Delete the automated backups when the instance is deleted (RDS default). Set false in production: they stay restorable for their retention period after a deletion."
  type        = bool
  default     = true
}

variable "db_deletion_protection" {
  description = "Protect the RDS instance from deletion."
  type        = bool
  default     = false
}

variable "db_skip_final_snapshot" {
  description = "Skip the final snapshot when the RDS instance is destroyed."
  type        = bool
  default     = false
}

variable "iam_role_path" {
  description = "IAM path of the roles created here and by the environment module; the deploy role may pass only roles under it."
  type        = string
  default     = "/adhoc-actions/"

  validation {
    condition     = can(regex("^/([a-zA-Z0-9+=,.@_-]+/)*$", var.iam_role_path))
    error_message = "iam_role_path must start and end with '/', e.g. /adhoc-actions/."
  }
}

variable "secrets_prefix" {
  description = "The task execution role may read SSM parameters under /<secrets_prefix>/ and Secrets Manager secrets named <secrets_prefix>/... (the secrets environments reference). Defaults to name."
  type        = string
  default     = null
}

variable "create_bastion" {
  description = "Create a small bastion instance (off by default: create-database can run psql in an ECS task instead)."
  type        = bool
  default     = false
}

variable "bastion_ami_id" {
  description = "AMI of the bastion (required when create_bastion = true)."
  type        = string
  default     = null
}

variable "bastion_instance_type" {
  description = "Instance type of the bastion."
  type        = string
  default     = "t4g.nano"
}

variable "bastion_allowed_cidrs" {
  description = "CIDR blocks allowed to SSH to the bastion. Empty means no SSH ingress (use SSM Session Manager)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.bastion_allowed_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "bastion_allowed_cidrs must be valid CIDR blocks, and not 0.0.0.0/0."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the roles this module creates and of the environments' task roles (the permissions-boundaries module's workload_boundary_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "db_admin_image" {
  description = "Image of the db-admin task (create-database's ecs-task mode): it needs sh and psql."
  type        = string
  default     = "public.ecr.aws/docker/library/postgres:15-alpine"
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can be recovered (0: deleted at once, so a destroyed stack can be created again under the same name)."
  type        = number
  default     = 7
}
