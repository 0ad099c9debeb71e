# The two deploy roles and their boundaries. Each assert names what the old example (one role,
# sub repo:<repo>:*, every cluster, <bucket>/* and PassRole on every /adhoc-actions/ role) did.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

variables {
  state_bucket_name = "acme-terraform-state"
  repository        = "acme/webapp"
}

run "production_role_trusts_only_production_jobs_of_the_reusable_workflows" {
  command = plan

  # Old: StringLike sub = repo:acme/webapp:* and no job_workflow_ref condition.
  assert {
    condition = jsondecode(module.github_oidc_production.trust_policy_json).Statement[0].Condition.StringLike == {
      # Staging is of the production tier, deployed from its own GitHub environment.
      "token.actions.githubusercontent.com:sub" = ["repo:acme/webapp:environment:production", "repo:acme/webapp:environment:staging"]
      "token.actions.githubusercontent.com:job_workflow_ref" = [
        "adhoc-actions/adhoc-actions/.github/workflows/production-deploy.yml@refs/tags/v1*",
        "adhoc-actions/adhoc-actions/.github/workflows/app-update.yml@refs/tags/v1*",
        # The prod infrastructure apply (terraform.yml's apply job, environment production).
        "adhoc-actions/adhoc-actions/.github/workflows/terraform.yml@refs/tags/v1*",
        # Rollback of prod to a recorded release (gated by the same environment).
        "adhoc-actions/adhoc-actions/.github/workflows/rollback.yml@refs/tags/v1*",
        # Staging's deploy (an environment of the ad hoc root).
        "adhoc-actions/adhoc-actions/.github/workflows/ad-hoc-deploy.yml@refs/tags/v1*",
      ]
    }
    error_message = "The production role must trust only environment:production and environment:staging jobs of the product's own reusable workflows, terraform.yml's apply included."
  }

  # Old: services of every cluster, every state object, every role under /adhoc-actions/.
  assert {
    condition = {
      for s in jsondecode(module.github_oidc_production.policy_json).Statement : s.Sid => s.Resource
      if contains(["Services", "Tasks", "StateObjects", "PassTaskRoles"], s.Sid)
      } == {
      Services = ["arn:aws:ecs:us-east-1:123456789012:service/prod/*", "arn:aws:ecs:us-east-1:123456789012:service/staging/*"]
      Tasks    = ["arn:aws:ecs:us-east-1:123456789012:task/prod/*", "arn:aws:ecs:us-east-1:123456789012:task/staging/*"]
      StateObjects = [
        "arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate", "arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate.tflock",
        "arn:aws:s3:::acme-terraform-state/env:/staging/adhoc/terraform.tfstate", "arn:aws:s3:::acme-terraform-state/env:/staging/adhoc/terraform.tfstate.tflock",
      ]
      PassTaskRoles = [
        "arn:aws:iam::123456789012:role/adhoc-actions-prod/*",
        "arn:aws:iam::123456789012:role/adhoc-actions/staging-*",
        "arn:aws:iam::123456789012:role/adhoc-actions/adhoc-ecs-task-execution",
      ]
    }
    error_message = "The production role reaches only the production tier: prod's and staging's clusters, states and roles."
  }
}

# Old: the workload boundary allowed secretsmanager:GetSecretValue on every secret, and every
# environment's roles carry it, so a task role a preview's apply wrote read prod's secrets.
run "one_accounts_workload_boundary_keeps_secrets_in_their_tier" {
  command = plan

  assert {
    condition = {
      for s in jsondecode(module.boundaries.workload_boundary_policy_json).Statement : s.Resource[0] => s.Condition.ArnNotLike["aws:PrincipalArn"]
      if s.Effect == "Deny" && s.Action == ["secretsmanager:GetSecretValue"]
      } == {
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*"          = ["arn:aws:iam::123456789012:role/adhoc-actions-prod/*"]
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!*"           = ["arn:aws:iam::123456789012:role/adhoc-actions-prod/*", "arn:aws:iam::123456789012:role/adhoc-actions/adhoc-ecs-task-execution"]
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:adhoc/prod/*"    = ["arn:aws:iam::123456789012:role/adhoc-actions/prod-*"]
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:adhoc/staging/*" = ["arn:aws:iam::123456789012:role/adhoc-actions/staging-*"]
    }
    error_message = "Prod's secrets, the RDS master secrets and each protected environment's secrets are read only by that tier's roles."
  }

  # The one reader outside a protected tier is the shared execution role: the preview role
  # passes it (the db-admin task) but may not give it another policy.
  assert {
    condition = [for s in jsondecode(module.github_oidc.policy_json).Statement : s.Resource if s.Sid == "DenyFixedRoleChanges" &&
    contains(try(s.Action, []), "iam:PutRolePolicy") && contains(try(s.Action, []), "iam:AttachRolePolicy")] == [["arn:aws:iam::123456789012:role/adhoc-actions/adhoc-ecs-task-execution"]]
    error_message = "The preview role must not rewrite the shared execution role."
  }
}

run "preview_role_cannot_touch_production" {
  command = plan

  assert {
    condition     = module.github_oidc.role_name == "github-actions-preview"
    error_message = "The preview role is github-actions-preview, the name examples/django-repo's callers assume."
  }

  assert {
    condition     = !anytrue([for c in jsondecode(module.github_oidc.trust_policy_json).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] : strcontains(c, "production") || endswith(c, ":*")])
    error_message = "The preview role must not trust production jobs or every workflow."
  }

  # Evaluate the preview role's policy as IAM does (an explicit Deny wins; wildcards * and ?;
  # ArnLike on ecs:cluster) for requests against production. The old policy allowed each one.
  assert {
    condition = alltrue([
      for req in [
        { action = "ecs:UpdateService", arn = "arn:aws:ecs:us-east-1:123456789012:service/prod/prod-gunicorn", cluster = null },
        { action = "ecs:DescribeServices", arn = "arn:aws:ecs:us-east-1:123456789012:service/prod/prod-gunicorn", cluster = null },
        { action = "ecs:StopTask", arn = "arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef", cluster = null },
        { action = "ecs:RunTask", arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/prod-migrate:7", cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/prod" },
        { action = "ecs:RunTask", arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/feature-abc-migrate:1", cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/prod" },
        { action = "iam:PassRole", arn = "arn:aws:iam::123456789012:role/adhoc-actions-prod/prod-ecs-task-execution", cluster = null },
        { action = "iam:PassRole", arn = "arn:aws:iam::123456789012:role/adhoc-actions-prod/prod-task", cluster = null },
        { action = "sts:AssumeRole", arn = "arn:aws:iam::123456789012:role/github-actions/github-actions-production", cluster = null },
        { action = "s3:GetObject", arn = "arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate", cluster = null },
        { action = "s3:PutObject", arn = "arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate", cluster = null },
        { action = "s3:PutObject", arn = "arn:aws:s3:::acme-terraform-state/shared/terraform.tfstate", cluster = null },
        { action = "s3:GetObject", arn = "arn:aws:s3:::acme-terraform-state/failure-reports/prod/1234-1/adhoc-actions-failure-run-migration-task.json", cluster = null },
        { action = "s3:PutObject", arn = "arn:aws:s3:::acme-terraform-state/failure-reports/staging/1234-1/adhoc-actions-failure-rolling-update.json", cluster = null },
        ] : !(
        anytrue([for s in jsondecode(module.github_oidc.policy_json).Statement : s.Effect == "Allow" && contains(flatten([try(s.Action, [])]), req.action) &&
          anytrue([for r in flatten([s.Resource]) : can(regex("^${replace(replace(replace(r, ".", "\\."), "*", ".*"), "?", ".")}$", req.arn))]) &&
          (try(s.Condition.ArnLike["ecs:cluster"], null) == null || (req.cluster != null && anytrue([for c in try(s.Condition.ArnLike["ecs:cluster"], []) : can(regex("^${replace(c, "*", ".*")}$", coalesce(req.cluster, "-")))])))
        ]) &&
        !anytrue([for s in jsondecode(module.github_oidc.policy_json).Statement : s.Effect == "Deny" &&
          anytrue([for a in flatten([try(s.Action, [])]) : can(regex("^${replace(a, "*", ".*")}$", req.action))]) &&
          anytrue([for r in flatten([s.Resource]) : can(regex("^${replace(replace(replace(r, ".", "\\."), "*", ".*"), "?", ".")}$", req.arn))]) &&
          (try(s.Condition.ArnLike["ecs:cluster"], null) == null || (req.cluster != null && anytrue([for c in try(s.Condition.ArnLike["ecs:cluster"], []) : can(regex("^${replace(c, "*", ".*")}$", coalesce(req.cluster, "-")))])))
        ])
      )
    ])
    error_message = "The preview role must not be able to deploy to, run in, pass roles of or write the state of production."
  }

  # And it still does its own job (so the asserts above are not passing by denying all).
  assert {
    condition = alltrue([
      for want in [
        ["ecs:UpdateService", "arn:aws:ecs:us-east-1:123456789012:service/*/*"],
        ["iam:PassRole", "arn:aws:iam::123456789012:role/adhoc-actions/*"],
        ["s3:PutObject", "arn:aws:s3:::acme-terraform-state/env:/*/adhoc/terraform.tfstate"],
        ["s3:GetObject", "arn:aws:s3:::acme-terraform-state/shared/terraform.tfstate"],
      ] : anytrue([for s in jsondecode(module.github_oidc.policy_json).Statement : s.Effect == "Allow" && contains(flatten([try(s.Action, [])]), want[0]) && contains(flatten([s.Resource]), want[1])])
    ])
    error_message = "The preview role keeps what previews need: services, ad hoc roles, ad hoc workspace states, the shared state (read)."
  }
}

# Issue 21.6: a protected environment's failure report (production's log lines, stopped tasks)
# is kept in the state bucket under failure-reports/<environment>/, not as a workflow artifact
# every reader of the repository may download. The production role writes it and reads none
# back; the preview role is denied the whole prefix explicitly, whatever a later grant says.
run "failure_reports_of_protected_environments_stay_in_their_tier" {
  command = plan

  assert {
    condition = [for s in jsondecode(module.github_oidc_production.policy_json).Statement : { a = s.Action, r = s.Resource, c = s.Condition } if s.Sid == "FailureReports"] == [{
      a = ["s3:PutObject"]
      r = ["arn:aws:s3:::acme-terraform-state/failure-reports/prod/*", "arn:aws:s3:::acme-terraform-state/failure-reports/staging/*"]
      c = { Null = { "s3:if-none-match" = "false" }, StringEquals = { "s3:if-none-match" = "*" } }
    }]
    error_message = "The production role writes prod's and staging's failure reports, only those, and only with If-None-Match (never over another)."
  }

  # Each request against a concrete report, matched as IAM matches (wildcards in actions and resources).
  assert {
    condition = !anytrue(flatten([
      for action in ["s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion"] : [
        for s in jsondecode(module.github_oidc_production.policy_json).Statement : s.Effect == "Allow" &&
        anytrue([for a in flatten([try(s.Action, [])]) : can(regex("^${replace(a, "*", ".*")}$", action))]) &&
        anytrue([for r in flatten([try(s.Resource, [])]) : can(regex("^${replace(replace(r, ".", "\\."), "*", ".*")}$", "arn:aws:s3:::acme-terraform-state/failure-reports/prod/4242-1/report.json"))])
      ]
    ]))
    error_message = "The production role never reads back or deletes a failure report (nor a version of one)."
  }

  assert {
    condition = alltrue([
      for action in ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"] : anytrue([
        for s in jsondecode(module.github_oidc.policy_json).Statement : s.Effect == "Deny" &&
        anytrue([for a in flatten([try(s.Action, [])]) : can(regex("^${replace(a, "*", ".*")}$", action))]) &&
        anytrue([for r in flatten([s.Resource]) : can(regex("^${replace(replace(r, ".", "\\."), "*", ".*")}$", "arn:aws:s3:::acme-terraform-state/failure-reports/prod/4242-1/report.json"))])
      ])
    ])
    error_message = "The preview role is denied every failure report of the state bucket and its versions, read or write."
  }

  assert {
    condition     = [for s in jsondecode(module.github_oidc.policy_json).Statement : s.Condition if s.Sid == "DenyStateListing"] == [{ StringNotLike = { "s3:prefix" = ["env:/"] } }]
    error_message = "The preview role lists only env:/ of the state bucket (what Terraform lists): never the report keys, nor the whole bucket."
  }

  assert {
    condition = [for s in jsondecode(module.github_oidc.policy_json).Statement : s.Resource if s.Sid == "DenyStateBucketSettings" &&
    !anytrue([for a in try(s.NotAction, ["s3:PutBucketPolicy"]) : can(regex("^${replace(a, "*", ".*")}$", "s3:PutBucketPolicy"))])] == ["arn:aws:s3:::acme-terraform-state"]
    error_message = "The preview role may not change the state bucket's policy or settings, whatever the apply's bucket grants match."
  }
}

# A name added to protected_environments keeps its reports in the production tier too, under
# the prefix check-environment gives it (failure-reports/<name>/, workflows.test.ts).
run "a_custom_protected_environment_keeps_its_reports_in_the_production_tier" {
  command = plan

  variables {
    protected_environments = ["live"]
  }

  assert {
    condition     = contains(flatten([for s in jsondecode(module.github_oidc_production.policy_json).Statement : s.Resource if s.Sid == "FailureReports"]), "arn:aws:s3:::acme-terraform-state/failure-reports/live/*")
    error_message = "The production role writes the failure reports of every protected environment, custom names included."
  }
}

# github-actions-plan: production.yml's infrastructure job plans prod with it before anyone
# approves, so it must read but not change prod (the apply uses github-actions-production).
run "plan_role_reads_prod_and_writes_only_the_lock" {
  command = plan

  assert {
    condition = jsondecode(module.main_branch_roles.trust_policy_json["terraform.yml"]).Statement[0].Condition.StringLike == {
      "token.actions.githubusercontent.com:sub"              = ["repo:acme/webapp:ref:refs/heads/main"]
      "token.actions.githubusercontent.com:job_workflow_ref" = ["adhoc-actions/adhoc-actions/.github/workflows/terraform.yml@refs/tags/v1*"]
    }
    error_message = "github-actions-plan must trust only main-branch jobs of terraform.yml at a release tag."
  }

  # Old: ReadOnlyAccess, which reads every S3 object, SSM SecureString and log.
  assert {
    condition     = length(module.main_branch_roles.plan_managed_policy_arns) == 0
    error_message = "github-actions-plan has no managed policy by default: its reads are listed in its own policy."
  }

  # Each request is denied explicitly (a Deny wins over any later grant),
  # except writing and deleting the lockfile, which the inline policy allows.
  assert {
    condition = alltrue([
      for req in [
        { action = "s3:PutObject", arn = "arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate" },
        { action = "s3:DeleteObject", arn = "arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate" },
        { action = "s3:PutObject", arn = "arn:aws:s3:::acme-terraform-state/shared/terraform.tfstate" },
        { action = "s3:PutObject", arn = "arn:aws:s3:::acme-terraform-state/env:/pr-1/adhoc/terraform.tfstate" },
        { action = "iam:PassRole", arn = "arn:aws:iam::123456789012:role/adhoc-actions-prod/prod-task" },
        { action = "sts:AssumeRole", arn = "arn:aws:iam::123456789012:role/github-actions/github-actions-production" },
        ] : anytrue([for s in jsondecode(module.main_branch_roles.plan_policy_json).Statement : s.Effect == "Deny" && contains(flatten([try(s.Action, [])]), req.action) && (
          try(s.NotResource, null) != null
          ? !anytrue([for r in flatten([s.NotResource]) : can(regex("^${replace(replace(r, ".", "\\."), "*", ".*")}$", req.arn))])
          : anytrue([for r in flatten([try(s.Resource, [])]) : can(regex("^${replace(replace(r, ".", "\\."), "*", ".*")}$", req.arn))])
      )])
    ])
    error_message = "github-actions-plan must not write any state object but prod's lock, pass roles or assume roles."
  }

  assert {
    condition = alltrue([
      for want in [
        ["s3:GetObject", "arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate"],
        ["s3:PutObject", "arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate.tflock"],
        ["s3:DeleteObject", "arn:aws:s3:::acme-terraform-state/prod/terraform.tfstate.tflock"],
      ] : anytrue([for s in jsondecode(module.main_branch_roles.plan_policy_json).Statement : s.Effect == "Allow" && contains(flatten([try(s.Action, [])]), want[0]) && contains(flatten([try(s.Resource, [])]), want[1])]) &&
      !anytrue([for s in jsondecode(module.main_branch_roles.plan_policy_json).Statement : s.Effect == "Deny" && contains(flatten([try(s.Action, [])]), want[0]) && !contains(flatten([try(s.NotResource, [])]), want[1])])
    ])
    error_message = "github-actions-plan must read prod's state and take and release its lockfile (use_lockfile)."
  }
}

# Issue 21.1: the preview role pushed to the repositories production deploys from, and main's
# build ran with it. Now only github-actions-build, trusted for main's build.yml alone, pushes
# there; the preview role pushes to the preview twins; the production role pushes nowhere.
run "only_mains_build_pushes_what_production_deploys" {
  command = plan

  assert {
    condition = jsondecode(module.main_branch_roles.trust_policy_json["build.yml"]).Statement[0].Condition.StringLike == {
      "token.actions.githubusercontent.com:sub"              = ["repo:acme/webapp:ref:refs/heads/main"]
      "token.actions.githubusercontent.com:job_workflow_ref" = ["adhoc-actions/adhoc-actions/.github/workflows/build.yml@refs/tags/v1*"]
    }
    error_message = "The build role must trust only build.yml of a release, on main."
  }

  assert {
    condition = [for s in jsondecode(module.main_branch_roles.build_policy_json).Statement : s.Resource if s.Sid == "EcrPush"] == [[
      "arn:aws:ecr:us-east-1:123456789012:repository/backend", "arn:aws:ecr:us-east-1:123456789012:repository/frontend",
    ]]
    error_message = "The build role pushes to the release repositories and nothing else."
  }

  assert {
    condition = [for s in jsondecode(module.github_oidc.policy_json).Statement : s.Resource if s.Sid == "EcrPushPull"] == [[
      "arn:aws:ecr:us-east-1:123456789012:repository/backend-preview", "arn:aws:ecr:us-east-1:123456789012:repository/frontend-preview",
    ]]
    error_message = "The preview role pushes only to the preview twins."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(module.github_oidc_production.policy_json).Statement :
      !anytrue([for a in flatten([try(s.Action, [])]) : contains(["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"], a)])
    ])
    error_message = "The production role must not push images (it only reads what it deploys)."
  }
}
