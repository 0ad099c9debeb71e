mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

run "boundaries_allow_workloads_and_deny_escape" {
  command = plan

  assert {
    condition     = output.workload_boundary_arn == "arn:aws:iam::123456789012:policy/adhoc-actions-boundaries/workload-boundary"
    error_message = "The boundary ARNs are known at plan time, built as IAM builds them."
  }

  assert {
    condition     = aws_iam_policy.workload_boundary.path == "/adhoc-actions-boundaries/" && aws_iam_policy.deploy_boundary.path == "/adhoc-actions-boundaries/"
    error_message = "Both boundaries live under their own path, which the deploy boundary protects."
  }

  # Old: no boundary; a task role could be given iam:* or sts:AssumeRole.
  assert {
    condition = !anytrue([for a in flatten([for s in jsondecode(aws_iam_policy.workload_boundary.policy).Statement : s.Action if s.Effect == "Allow"]) :
    startswith(a, "iam:") || startswith(a, "sts:") || startswith(a, "ecs:") || startswith(a, "ec2:") || a == "*"])
    error_message = "The workload boundary must allow nothing of IAM, STS, ECS or EC2."
  }

  assert {
    condition = alltrue([for a in ["iam:CreateAccessKey", "iam:CreateUser", "iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion"] :
    anytrue([for s in jsondecode(aws_iam_policy.deploy_boundary.policy).Statement : s.Effect == "Deny" && contains(s.Action, a)])])
    error_message = "The deploy boundary must deny making credentials, new policy versions and lifting a boundary."
  }
}

run "protected_secrets_are_denied_to_every_other_role_with_the_boundary" {
  command = plan

  variables {
    protected_secrets = [{
      secret_arns = ["arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*"]
      reader_arns = ["arn:aws:iam::123456789012:role/adhoc-actions-prod/*"]
    }]
  }

  assert {
    condition = [for s in jsondecode(aws_iam_policy.workload_boundary.policy).Statement : s if s.Effect == "Deny"] == [{
      Sid       = "OnlyTheirTiersSecrets0"
      Effect    = "Deny"
      Action    = ["secretsmanager:GetSecretValue"]
      Resource  = ["arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*"]
      Condition = { ArnNotLike = { "aws:PrincipalArn" = ["arn:aws:iam::123456789012:role/adhoc-actions-prod/*"] } }
    }]
    error_message = "A protected secret is denied to every role with the boundary but its readers."
  }
}

run "a_protected_secret_without_readers_is_refused" {
  command = plan

  variables {
    protected_secrets = [{ secret_arns = ["arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/*"], reader_arns = [] }]
  }

  expect_failures = [var.protected_secrets]
}
