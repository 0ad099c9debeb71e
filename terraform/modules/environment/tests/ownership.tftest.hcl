# Who owns what: Terraform makes the first revision of each family, the actions every later
# one. Runs share one state, in order: create -> app deploy (new image only) -> tfvars change.
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
  # ARNs the provider validates when another resource uses them (apply runs).
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/0123456789abcdef" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/adhoc-actions/feature-abc-task" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/feature-abc" }
  }
  mock_resource "aws_service_discovery_service" {
    defaults = { arn = "arn:aws:servicediscovery:eu-west-1:123456789012:service/srv-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

# Shared-infrastructure inputs as the shared module would output them.
variables {
  secrets_prefix                   = "adhoc"
  permissions_boundary_arn         = "arn:aws:iam::123456789012:policy/adhoc-actions-boundaries/workload-boundary"
  name                             = "feature-abc"
  domain                           = "dev.example.com"
  vpc_id                           = "vpc-0123456789abcdef0"
  subnet_ids                       = ["subnet-aaaa", "subnet-bbbb"]
  assign_public_ip                 = true
  app_security_group_id            = "sg-app"
  alb_listener_arn                 = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/adhoc-alb/50dc6c495c0c9188/f2f7dc8efc522ab2"
  alb_dns_name                     = "adhoc-alb-123.eu-west-1.elb.amazonaws.com"
  alb_zone_id                      = "Z32O12XQLNTSW2"
  alb_arn_suffix                   = "app/adhoc-alb/50dc6c495c0c9188"
  route53_zone_id                  = "Z0123456789ABCDEFGHIJ"
  service_discovery_namespace_id   = "ns-abc"
  service_discovery_namespace_name = "adhoc.internal"
  rds_address                      = "adhoc.abc.eu-west-1.rds.amazonaws.com"
  backend_image                    = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend:sha-1111"
  frontend_image                   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/frontend:sha-1111"
  s3_bucket_prefix                 = "acme-adhoc-"
  secrets = {
    POSTGRES_PASSWORD = "arn:aws:ssm:eu-west-1:123456789012:parameter/adhoc/feature-abc/db-password"
    SECRET_KEY        = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:adhoc/django-secret-key"
  }
}


run "create" {
  command = apply

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["gunicorn"].container_definitions)[0].image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend:sha-1111"
    error_message = "The first revision runs the image given at creation."
  }

  assert {
    condition     = alltrue([for t in aws_ecs_task_definition.this : t.skip_destroy])
    error_message = "Every task definition has skip_destroy, so a replaced revision stays ACTIVE."
  }
}

# What ad-hoc-deploy does on every deploy: the same tfvars with a new image tag.
run "app_deploy_changes_no_task_definition" {
  command = apply

  variables {
    backend_image  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend@sha256:2222222222222222222222222222222222222222222222222222222222222222"
    frontend_image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/frontend:sha-2222"
  }

  assert {
    condition     = terraform_data.images.output == run.create.images_of_first_revision
    error_message = "A new image tag must change nothing Terraform registers (the actions own later revisions)."
  }

  assert {
    condition = alltrue([
      for k in ["gunicorn", "celery", "beat", "migrate"] :
      jsondecode(aws_ecs_task_definition.this[k].container_definitions)[0].image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend:sha-1111"
    ]) && jsondecode(aws_ecs_task_definition.this["frontend"].container_definitions)[0].image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/frontend:sha-1111"
    error_message = "Terraform's revisions keep the image of the first apply."
  }
}

# An infrastructure change in tfvars: a new revision that the next deploy starts from.
run "env_var_change_makes_a_new_revision_and_keeps_the_old" {
  command = apply

  variables {
    backend_image         = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend:sha-3333"
    environment_variables = { FEATURE_FLAG = "on" }
  }

  assert {
    condition = alltrue([
      for k in ["gunicorn", "celery", "beat", "migrate"] :
      contains(jsondecode(aws_ecs_task_definition.this[k].container_definitions)[0].environment, { name = "FEATURE_FLAG", value = "on" })
    ])
    error_message = "An env var change must reach a new revision of every backend family."
  }


  assert {
    condition     = output.task_definition_arns.frontend == run.create.task_definition_arns.frontend && output.task_definition_arns.redis == run.create.task_definition_arns.redis
    error_message = "Families whose definition did not change keep their revision."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["gunicorn"].container_definitions)[0].image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend:sha-1111"
    error_message = "The new revision still starts from the frozen image; the deploy sets the image, not Terraform."
  }

  # With the real provider a changed container_definitions replaces the revision (the mock
  # provider knows no ForceNew and updates in place, so the ARN cannot be compared here).
  # skip_destroy makes that replacement leave the old revision ACTIVE: nothing a service
  # runs (services ignore task_definition) or may roll back to is deregistered.
  assert {
    condition     = alltrue([for t in aws_ecs_task_definition.this : t.skip_destroy])
    error_message = "Replaced revisions must stay registered (skip_destroy)."
  }
}

run "rejects_image_without_tag_or_digest" {
  command = plan

  variables {
    backend_image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend@sha256:abc"
  }

  expect_failures = [var.backend_image]
}
