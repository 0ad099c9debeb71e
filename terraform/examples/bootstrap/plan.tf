# The read-only role of the prod plan job (terraform.yml's `plan`, called by production.yml's
# `infrastructure` job on main; its `apply` job runs in environment `production` with
# github-actions-production). A plan runs before anyone approves, so this role may read
# everything terraform plan refreshes but write nothing except prod's S3 lockfile.
locals {
  plan_job_workflow_refs = ["${local.workflows}/terraform.yml@${var.workflows_ref}"]
  prod_state_arn         = "${module.bootstrap.state_bucket_arn}/${var.prod_state_key}"
  prod_lock_arn          = "${module.bootstrap.state_bucket_arn}/${var.prod_state_key}.tflock"

  plan_policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "StateList", Effect = "Allow", Action = ["s3:ListBucket"], Resource = module.bootstrap.state_bucket_arn },
      { Sid = "StateRead", Effect = "Allow", Action = ["s3:GetObject"], Resource = [local.prod_state_arn, local.prod_lock_arn] },
      # use_lockfile: the lock is <key>.tflock, created and deleted by the plan.
      { Sid = "StateLock", Effect = "Allow", Action = ["s3:PutObject", "s3:DeleteObject"], Resource = local.prod_lock_arn },
      # Explicit denies, so no attached policy (ReadOnlyAccess today, anything added later)
      # can let an unapproved plan write state, hand out roles or become another role.
      { Sid = "DenyStateWrites", Effect = "Deny", Action = ["s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl"], NotResource = local.prod_lock_arn },
      { Sid = "DenyRoles", Effect = "Deny", Action = ["iam:PassRole", "sts:AssumeRole"], Resource = "*" },
    ]
  })
}

resource "aws_iam_role" "plan" {
  name                 = "github-actions-plan"
  path                 = "/github-actions/"
  max_session_duration = 3600

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = module.github_oidc_production.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike = {
          "token.actions.githubusercontent.com:sub"              = ["repo:${var.repository}:ref:refs/heads/main"]
          "token.actions.githubusercontent.com:job_workflow_ref" = local.plan_job_workflow_refs
        }
      }
    }]
  })

  tags = var.tags
}

resource "aws_iam_role_policy" "plan" {
  name   = "plan"
  role   = aws_iam_role.plan.id
  policy = local.plan_policy_json
}

# What terraform plan of the prod root refreshes (ECS, ELB, RDS, ElastiCache, IAM, ...).
resource "aws_iam_role_policy_attachment" "plan_read_only" {
  for_each = toset(var.plan_read_only_policy_arns)

  role       = aws_iam_role.plan.name
  policy_arn = each.value
}
