mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

variables {
  permissions_boundary_arn = "arn:aws:iam::123456789012:policy/adhoc-actions-boundaries/workload-boundary"
  repository               = "acme/webapp"
  ecr_repository_arns      = ["arn:aws:ecr:eu-west-1:123456789012:repository/backend", "arn:aws:ecr:eu-west-1:123456789012:repository/frontend"]
  pass_role_arns           = ["arn:aws:iam::123456789012:role/adhoc-actions/*"]
  state_bucket_arn         = "arn:aws:s3:::acme-terraform-state"
  state_lock_table_arn     = "arn:aws:dynamodb:eu-west-1:123456789012:table/terraform-locks"
  readable_secret_arns     = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-abc"]
  subject_claims           = ["repo:acme/webapp:environment:preview"]
  state_object_keys        = ["env:/*/adhoc/terraform.tfstate*"]
}

run "no_wildcard_actions" {
  command = plan

  assert {
    # Action may be a string or a list; normalise with flatten.
    condition = alltrue([
      for s in jsondecode(output.policy_json).Statement :
      alltrue([for a in flatten([s.Action]) : a != "*" && a != "*:*" && !strcontains(a, "*")]) if s.Effect == "Allow"
    ])
    error_message = "No statement may allow \"*\", \"*:*\" or any wildcard action."
  }

  assert {
    condition     = alltrue([for s in jsondecode(output.policy_json).Statement : contains(["Allow", "Deny"], s.Effect) && !contains(keys(s), "NotAction") && !contains(keys(s), "NotResource")])
    error_message = "Only explicit statements, no NotAction/NotResource."
  }

  # What IAM takes: a managed policy of at most 6,144 characters, 10 attached to a role.
  assert {
    condition     = sort(flatten([for p in values(aws_iam_policy.deploy) : [for s in jsondecode(p.policy).Statement : s.Sid]])) == sort([for s in jsondecode(output.policy_json).Statement : s.Sid]) && alltrue([for p in values(aws_iam_policy.deploy) : length(p.policy) <= 6144])
    error_message = "Every statement is attached, once, in managed policies IAM takes."
  }

  assert {
    condition     = length(aws_iam_role_policy_attachment.additional) == 0
    error_message = "No managed policies unless asked."
  }
}

run "policy_covers_what_the_actions_need" {
  command = plan

  assert {
    condition = length(setsubtract(
      toset([
        "ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:ListTaskDefinitions", "ecs:ListTaskDefinitionFamilies",
        "ecs:DescribeServices", "ecs:UpdateService", "ecs:ListServices", "ecs:ListClusters",
        "ecs:RunTask", "ecs:DescribeTasks", "ecs:StopTask", "ecs:ListTasks", "ecs:DescribeClusters", "ecs:TagResource",
        "logs:GetLogEvents", "logs:FilterLogEvents", "iam:PassRole", "ecr:GetAuthorizationToken", "ecr:PutImage",
        "ecr:BatchGetImage", "s3:GetObject", "s3:PutObject", "s3:ListBucket", "dynamodb:PutItem", "dynamodb:DeleteItem",
      ]),
      toset(flatten([for s in jsondecode(output.policy_json).Statement : s.Action])),
    )) == 0
    error_message = "The policy lacks an action the workflows need."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.policy_json).Statement :
      s.Condition.StringEquals["iam:PassedToService"] == "ecs-tasks.amazonaws.com" && s.Resource == ["arn:aws:iam::123456789012:role/adhoc-actions/*"]
      if contains(flatten([s.Action]), "iam:PassRole")
    ])
    error_message = "PassRole only for the task roles and only to ECS tasks."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.policy_json).Statement :
      s.Resource == ["arn:aws:ecr:eu-west-1:123456789012:repository/backend", "arn:aws:ecr:eu-west-1:123456789012:repository/frontend"]
      if contains(flatten([s.Action]), "ecr:PutImage")
    ])
    error_message = "ECR push only to the given repositories."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.policy_json).Statement :
      alltrue([for r in flatten([s.Resource]) : startswith(r, "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/")])
      if contains(flatten([s.Action]), "logs:GetLogEvents")
    ])
    error_message = "Log reading is limited to the ECS log groups."
  }

  assert {
    # 17 before service deployments (ServiceDeployments is one more); environment_apply is off here.
    condition     = length(jsondecode(output.policy_json).Statement) == 18
    error_message = "Expected every optional statement group to be present."
  }

  # Release history and activity: TagResource after creation only for the released-at and active-at keys, only on the
  # environments' own task definition families.
  assert {
    condition = one([
      for s in jsondecode(output.policy_json).Statement : s
      if s.Sid == "MarkReleased"
      ]).Condition == { "ForAllValues:StringEquals" = { "aws:TagKeys" = ["adhoc-actions:released-at", "adhoc-actions:active-at"] } } && alltrue([
      for r in one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "MarkReleased"]).Resource :
      can(regex(":task-definition/", r))
    ])
    error_message = "Marking a release may add only the released-at and active-at tags, on task definitions."
  }
}

run "trust_limited_to_the_repository" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringLike == { "token.actions.githubusercontent.com:sub" = ["repo:acme/webapp:environment:preview"] }
    error_message = "Trust is exactly the given subjects; no job_workflow_ref condition unless asked."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    error_message = "Audience must be sts.amazonaws.com."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    error_message = "Trust the GitHub OIDC provider."
  }

  assert {
    condition     = aws_iam_openid_connect_provider.github[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "OIDC provider for GitHub Actions."
  }
}

run "per_environment_subjects_and_existing_provider" {
  command = plan

  variables {
    subject_claims       = ["repo:acme/webapp:environment:production"]
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    ecs_cluster_names    = ["prod"]
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "An existing provider is reused."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] == ["repo:acme/webapp:environment:production"]
    error_message = "Trust can be limited to one GitHub environment."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.policy_json).Statement :
      s.Resource == ["arn:aws:ecs:eu-west-1:123456789012:service/prod/*"]
      if contains(flatten([s.Action]), "ecs:UpdateService")
    ])
    error_message = "UpdateService is limited to the given clusters."
  }
}

run "optional_groups_left_out" {
  command = plan

  variables {
    ecr_repository_arns  = []
    state_bucket_arn     = null
    state_lock_table_arn = null
    readable_secret_arns = []
  }

  assert {
    condition     = !anytrue([for s in jsondecode(output.policy_json).Statement : anytrue([for a in flatten([s.Action]) : startswith(a, "ecr:") || startswith(a, "s3:") || startswith(a, "dynamodb:") || startswith(a, "secretsmanager:")])])
    error_message = "Groups without resources are left out."
  }
}

run "rejects_subject_of_another_repository" {
  command = plan

  variables {
    subject_claims = ["repo:evil/fork:*"]
  }

  expect_failures = [aws_iam_role.this]
}

run "rejects_wildcard_repository" {
  command = plan

  variables {
    repository = "acme/*"
  }

  expect_failures = [var.repository]
}

run "rejects_wildcard_pass_role" {
  command = plan

  variables {
    pass_role_arns = ["*"]
  }

  expect_failures = [var.pass_role_arns]
}

run "requires_provider_arn_when_not_created" {
  command = plan

  variables {
    create_oidc_provider = false
  }

  expect_failures = [aws_iam_role.this]
}

# The old default trusted every workflow of the repository (repo:<repo>:*): now refused.
run "rejects_the_old_whole_repository_default" {
  command = plan

  variables {
    subject_claims = ["repo:acme/webapp:*"]
  }

  expect_failures = [aws_iam_role.this]
}

run "rejects_a_wildcard_context" {
  command = plan

  variables {
    subject_claims = ["repo:acme/webapp:environment:production", "repo:acme/webapp:*:production"]
  }

  expect_failures = [aws_iam_role.this]
}

# Issue 21.9: ? is a StringLike wildcard too, so repo:<repo>:?* trusted every context.
run "rejects_a_single_character_wildcard_context" {
  command = plan

  variables {
    subject_claims = ["repo:acme/webapp:?*"]
  }

  expect_failures = [aws_iam_role.this]
}

run "trust_limited_to_reusable_workflows" {
  command = plan

  variables {
    subject_claims    = ["repo:acme/webapp:environment:production"]
    job_workflow_refs = ["adhoc-actions/adhoc-actions/.github/workflows/production-deploy.yml@refs/tags/v1*"]
  }

  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringLike == {
      "token.actions.githubusercontent.com:sub"              = ["repo:acme/webapp:environment:production"]
      "token.actions.githubusercontent.com:job_workflow_ref" = ["adhoc-actions/adhoc-actions/.github/workflows/production-deploy.yml@refs/tags/v1*"]
    }
    error_message = "Both the environment and the calling reusable workflow are conditions of the trust."
  }
}

run "rejects_a_job_workflow_ref_without_ref" {
  command = plan

  variables {
    job_workflow_refs = ["adhoc-actions/adhoc-actions/.github/workflows/production-deploy.yml"]
  }

  expect_failures = [var.job_workflow_refs]
}

# The old policy allowed s3 Get/Put/Delete on <bucket>/* (every state, prod's included).
run "state_access_only_to_the_given_keys" {
  command = plan

  variables {
    state_read_only_keys = ["shared/terraform.tfstate"]
  }

  assert {
    condition = [for s in jsondecode(output.policy_json).Statement : s.Resource if s.Sid == "StateObjects"] == [["arn:aws:s3:::acme-terraform-state/env:/*/adhoc/terraform.tfstate*"]] && [
    for s in jsondecode(output.policy_json).Statement : { a = s.Action, r = s.Resource } if s.Sid == "StateReadOnly"] == [{ a = ["s3:GetObject"], r = ["arn:aws:s3:::acme-terraform-state/shared/terraform.tfstate"] }]
    error_message = "State objects: read-write only the given keys, read-only the shared state."
  }
}

run "requires_state_keys_with_a_bucket" {
  command = plan

  variables {
    state_object_keys = []
  }

  expect_failures = [aws_iam_role.this]
}

run "denies_another_stage" {
  command = plan

  variables {
    deny = {
      ecs_cluster_names = ["prod"]
      role_arns         = ["arn:aws:iam::123456789012:role/adhoc-actions-prod/*"]
      state_object_keys = ["prod/*"]
    }
  }

  assert {
    condition = { for s in jsondecode(output.policy_json).Statement : s.Sid => s.Resource if s.Effect == "Deny" } == {
      DenyProtectedClusters = [
        "arn:aws:ecs:eu-west-1:123456789012:cluster/prod", "arn:aws:ecs:eu-west-1:123456789012:service/prod/*",
        "arn:aws:ecs:eu-west-1:123456789012:service-deployment/prod/*",
        "arn:aws:ecs:eu-west-1:123456789012:task/prod/*", "arn:aws:ecs:eu-west-1:123456789012:container-instance/prod/*",
      ]
      DenyRunInProtectedClusters = "*"
      DenyProtectedRoles         = ["arn:aws:iam::123456789012:role/adhoc-actions-prod/*"]
      DenyProtectedState         = ["arn:aws:s3:::acme-terraform-state/prod/*"]
    }
    error_message = "Explicit denies for the other stage's clusters, roles and state."
  }
}

# A role with more names than a managed policy holds is refused at plan, naming the policy and
# the limit, not by IAM halfway through an apply.
run "a_policy_over_iams_limit_is_refused_before_apply" {
  command = plan

  variables {
    ecs_cluster_names = [for i in range(80) : "a-rather-long-environment-name-${i}"]
  }

  expect_failures = [aws_iam_policy.deploy]
}
