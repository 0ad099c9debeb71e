mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  oidc_provider_arn        = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  repository               = "acme/webapp"
  permissions_boundary_arn = "arn:aws:iam::123456789012:policy/adhoc-actions-boundaries/deploy-boundary"
}

run "each_role_only_when_asked" {
  command = plan

  variables {
    build = { push_repository_arns = ["arn:aws:ecr:us-east-1:123456789012:repository/backend"] }
  }

  assert {
    condition     = length(aws_iam_role.plan) == 0 && length(aws_iam_role.build) == 1 && aws_iam_role.build[0].name == "github-actions-build" && aws_iam_role.build[0].path == "/github-actions/"
    error_message = "A build account gets the build role alone."
  }

  assert {
    condition     = aws_iam_role.build[0].permissions_boundary == var.permissions_boundary_arn && aws_iam_role.build[0].max_session_duration == 3600
    error_message = "The build role carries the deploy boundary and short sessions."
  }
}

run "plan_role_of_a_production_account" {
  command = plan

  variables {
    plan = { state_bucket_name = "acme-prod-state", state_key = "prod/terraform.tfstate", bucket_names = ["acme-prod"] }
  }

  assert {
    condition     = length(aws_iam_role.build) == 0 && aws_iam_role.plan[0].name == "github-actions-plan" && aws_iam_role.plan[0].assume_role_policy == output.trust_policy_json["terraform.yml"]
    error_message = "A production account gets the plan role alone, trusted for terraform.yml on main."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.plan[0].policy).Statement : s.Resource if s.Sid == "StateList"] == [[
      "arn:aws:s3:::acme-prod-state", "arn:aws:s3:::acme-prod",
    ]]
    error_message = "The plan role lists its own account's state bucket and prod's static bucket."
  }
}

# Issue 21.4: the plan role had one exception, prod's Redis password, which a refresh of its
# write-only version read back. The roots keep no secret value in Terraform now: none excepted.
run "every_secret_value_is_denied_to_the_plan" {
  command = plan

  variables {
    plan = { state_bucket_name = "acme-prod-state", state_key = "prod/terraform.tfstate" }
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.plan[0].policy).Statement : s if s.Sid == "DenySecretValues"] == [
      { Sid = "DenySecretValues", Effect = "Deny", Action = ["secretsmanager:GetSecretValue"], Resource = "*" },
    ] && !contains([for s in jsondecode(aws_iam_role_policy.plan[0].policy).Statement : s.Sid], "RefreshWriteOnlySecrets")
    error_message = "The plan role reads no secret value, none excepted."
  }
}

# The review role runs before anyone approves (app-update's review job): main's runs of
# app-update at a release only, reads of prod's services and task definitions only, and an
# explicit deny of every write, value and log, whatever is attached later.
run "review_role_reads_and_trusts_only_mains_app_update" {
  command = plan

  variables {
    review = { cluster_names = ["prod"], secrets_prefixes = ["prod"] }
  }

  assert {
    condition     = length(aws_iam_role.plan) == 0 && aws_iam_role.review[0].name == "github-actions-review" && aws_iam_role.review[0].assume_role_policy == output.trust_policy_json["app-update.yml"] && aws_iam_role.review[0].permissions_boundary == var.permissions_boundary_arn
    error_message = "The review role alone, with the boundary, trusted as app-update.yml's runs are."
  }

  assert {
    condition = jsondecode(output.trust_policy_json["app-update.yml"]).Statement[0].Condition.StringLike == {
      "token.actions.githubusercontent.com:sub"              = ["repo:acme/webapp:ref:refs/heads/main"]
      "token.actions.githubusercontent.com:job_workflow_ref" = ["adhoc-actions/adhoc-actions/.github/workflows/app-update.yml@refs/tags/v1*"]
    }
    error_message = "github-actions-review trusts only main-branch jobs of app-update.yml at a release tag."
  }

  assert {
    condition = sort(flatten([for s in jsondecode(output.review_policy_json).Statement : s.Action if s.Effect == "Allow"])) == sort([
      "ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "secretsmanager:DescribeSecret",
    ])
    error_message = "The review role allows only the dry run's reads."
  }

  assert {
    condition = [for s in jsondecode(output.review_policy_json).Statement : { n = sort(s.NotAction), r = s.Resource } if s.Effect == "Deny"] == [{
      n = sort(["ecs:DescribeServices", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "secretsmanager:DescribeSecret"])
      r = "*"
    }]
    error_message = "Everything but the dry run's reads is denied to the review role explicitly, whatever is attached later."
  }
}
