# The role of main's image builds (build.yml with `release: true`, called by production.yml on
# a push to main): the only principal that pushes to the repositories staging and production
# deploy from. Pull requests and branches build into the preview twins with the preview role,
# so nothing they push can be taken for main's image.
# The plan and build roles trust the same thing: one reusable workflow of this product at a
# release, run on main (a merged commit: reviewed), and nothing else.
locals {
  main_branch_trust = { for workflow in ["terraform.yml", "build.yml"] : workflow => jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = module.github_oidc_production.oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike = {
          "token.actions.githubusercontent.com:sub"              = ["repo:${var.repository}:ref:refs/heads/main"]
          "token.actions.githubusercontent.com:job_workflow_ref" = ["${local.workflows}/${workflow}@${var.workflows_ref}"]
        }
      }
    }]
  }) }
}

resource "aws_iam_role" "build" {
  name                 = "github-actions-build"
  path                 = "/github-actions/"
  max_session_duration = 3600
  permissions_boundary = module.boundaries.deploy_boundary_arn

  assume_role_policy = local.main_branch_trust["build.yml"]

  tags = var.tags
}

resource "aws_iam_role_policy" "build" {
  name = "build"
  role = aws_iam_role.build.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "EcrLogin", Effect = "Allow", Action = ["ecr:GetAuthorizationToken"], Resource = "*" },
      {
        Sid    = "EcrPush"
        Effect = "Allow"
        Action = [
          "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:DescribeImages",
          "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart",
        ]
        Resource = values(module.bootstrap.ecr_repository_arns)
      },
    ]
  })
}
