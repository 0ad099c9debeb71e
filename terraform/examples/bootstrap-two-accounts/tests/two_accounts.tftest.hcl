# The two-account layout, planned with one mock provider per account: production 111111111111,
# preview/build 222222222222. What must hold is that no principal of the preview account (nor
# a pull request's token) is trusted by anything in the production account, and that the
# production account reads the build account's release images and nothing else of it.
mock_provider "aws" {
  alias = "production"
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
}

mock_provider "aws" {
  alias = "preview"
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
}

variables {
  repository                  = "acme/webapp"
  production_account_role_arn = "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole"
  preview_account_role_arn    = "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"
}

run "nothing_of_the_preview_tier_is_trusted_in_the_production_account" {
  command = plan

  assert {
    condition = jsondecode(module.github_oidc_production.trust_policy_json).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] == [
      "repo:acme/webapp:environment:production", "repo:acme/webapp:environment:staging",
    ]
    error_message = "The production role trusts only jobs in the GitHub environments production and staging."
  }

  assert {
    condition = (
      jsondecode(module.github_oidc_production.trust_policy_json).Statement[0].Principal.Federated == "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" &&
      jsondecode(module.production_plan_role.trust_policy_json["terraform.yml"]).Statement[0].Principal.Federated == "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    )
    error_message = "The production account's roles trust its own GitHub OIDC provider, no principal of another account."
  }

  assert {
    condition = jsondecode(module.production_plan_role.trust_policy_json["terraform.yml"]).Statement[0].Condition.StringLike == {
      "token.actions.githubusercontent.com:sub"              = ["repo:acme/webapp:ref:refs/heads/main"]
      "token.actions.githubusercontent.com:job_workflow_ref" = ["adhoc-actions/adhoc-actions/.github/workflows/terraform.yml@refs/tags/v1*"]
    }
    error_message = "The plan role trusts only main's terraform.yml at a release."
  }

  assert {
    condition     = module.production_plan_role.build_role_arn == null && module.build_role.plan_role_arn == null
    error_message = "The plan role is the production account's, the build role the build account's; neither has the other."
  }
}

run "the_production_role_reaches_its_own_account_and_the_release_images_only" {
  command = plan

  # Every resource of the production role's policy: in the production account, account-less
  # (S3, a wildcard), or one of the build account's release repositories.
  assert {
    condition = alltrue([
      for r in flatten([for s in jsondecode(module.github_oidc_production.policy_json).Statement : flatten([try(s.Resource, [])]) if s.Effect == "Allow"]) :
      r == "*" || startswith(r, "arn:aws:s3:::") || can(regex("^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(111111111111)?:", r)) ||
      contains(["arn:aws:ecr:us-east-1:222222222222:repository/backend", "arn:aws:ecr:us-east-1:222222222222:repository/frontend"], r)
    ])
    error_message = "The production role reaches the production account, and of the build account only the release repositories."
  }

  assert {
    condition = alltrue([for s in jsondecode(module.github_oidc_production.policy_json).Statement :
      !anytrue([for a in flatten([s.Action]) : contains(["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"], a)]) if s.Effect == "Allow"
    ])
    error_message = "The production role pushes no image."
  }

  # Issue 21.6: prod's and staging's failure reports go to the production account's own state
  # bucket, which no principal of the preview account is granted.
  assert {
    condition = [for s in jsondecode(module.github_oidc_production.policy_json).Statement : s.Resource if s.Sid == "FailureReports"] == [[
      "arn:aws:s3:::${var.production_state_bucket_name}/failure-reports/prod/*", "arn:aws:s3:::${var.production_state_bucket_name}/failure-reports/staging/*",
    ]]
    error_message = "The production role writes prod's and staging's failure reports into the production account's state bucket."
  }

  assert {
    condition     = length(module.production_state.ecr_repository_arns) == 0 && length(module.production_state.ecr_preview_repository_arns) == 0
    error_message = "The production account holds its own state and no registry: the release images are the build account's."
  }
}

run "the_preview_role_lives_in_the_preview_account" {
  command = plan

  assert {
    condition = alltrue([
      for r in flatten([for s in jsondecode(module.github_oidc.policy_json).Statement : flatten([try(s.Resource, [])]) if s.Effect == "Allow"]) :
      !strcontains(r, "111111111111")
    ])
    error_message = "No grant of the preview role names the production account."
  }

  assert {
    condition = jsondecode(module.github_oidc.trust_policy_json).Statement[0].Principal.Federated == "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com" && jsondecode(module.github_oidc.trust_policy_json).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] == [
      "repo:acme/webapp:pull_request", "repo:acme/webapp:ref:refs/heads/*", "repo:acme/webapp:environment:preview",
    ]
    error_message = "The preview role is trusted through the preview account's own OIDC provider, for pull requests, branches and preview jobs."
  }

  assert {
    condition = [for s in jsondecode(module.github_oidc.policy_json).Statement : s.Resource if s.Sid == "EcrPushPull"] == [[
      "arn:aws:ecr:us-east-1:222222222222:repository/backend-preview", "arn:aws:ecr:us-east-1:222222222222:repository/frontend-preview",
    ]]
    error_message = "Pull requests and branches push to the preview twins only."
  }
}

run "only_mains_build_pushes_the_release_images_and_production_pulls_them" {
  command = plan

  assert {
    condition = jsondecode(module.preview_account.ecr_release_policy_json).Statement == [
      {
        Sid       = "OnlyMainsBuildPushes"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:BatchDeleteImage"]
        Condition = { ArnNotLike = { "aws:PrincipalArn" = ["arn:aws:iam::222222222222:role/github-actions/github-actions-build"] } }
      },
      {
        Sid       = "ProductionAccountPulls"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::111111111111:root"] }
        Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:DescribeImages", "ecr:DescribeImageScanFindings"]
      },
    ]
    error_message = "The release repositories deny every push but the build role's (the preview role and account admins included) and let the production account pull."
  }

  assert {
    condition = jsondecode(module.build_role.trust_policy_json["build.yml"]).Statement[0].Condition.StringLike == {
      "token.actions.githubusercontent.com:sub"              = ["repo:acme/webapp:ref:refs/heads/main"]
      "token.actions.githubusercontent.com:job_workflow_ref" = ["adhoc-actions/adhoc-actions/.github/workflows/build.yml@refs/tags/v1*"]
      } && [for s in jsondecode(module.build_role.build_policy_json).Statement : s.Resource if s.Sid == "EcrPush"] == [[
        "arn:aws:ecr:us-east-1:222222222222:repository/backend", "arn:aws:ecr:us-east-1:222222222222:repository/frontend",
    ]]
    error_message = "The build role, trusted only for main's build.yml, pushes the release repositories."
  }

  assert {
    condition     = output.release_registry == "222222222222.dkr.ecr.us-east-1.amazonaws.com"
    error_message = "The prod root's ecr_registry is the build account's registry."
  }
}
