# Plans the example with the envs/feature-abc.tfvars values and a fake shared state.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { id = "us-east-1", name = "us-east-1" }
  }
  # ARNs the provider validates when another resource uses them (apply runs).
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/adhoc-actions/feature-abc-task" }
  }
  mock_resource "aws_ecs_cluster" {
    defaults = { arn = "arn:aws:ecs:us-east-1:123456789012:cluster/feature-abc" }
  }
  mock_resource "aws_service_discovery_service" {
    defaults = { arn = "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-1" }
  }
}

override_data {
  target = data.terraform_remote_state.shared
  values = {
    outputs = {
      shared = {
        domain                           = "dev.example.com"
        vpc_id                           = "vpc-1"
        app_subnet_ids                   = ["subnet-a", "subnet-b"]
        assign_public_ip                 = true
        app_security_group_id            = "sg-app"
        https_listener_arn               = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/adhoc-alb/1/2"
        alb_dns_name                     = "adhoc-alb.us-east-1.elb.amazonaws.com"
        alb_zone_id                      = "Z35SXDOTRQ7X7K"
        alb_arn_suffix                   = "app/adhoc-alb/1"
        route53_zone_id                  = "Z0123"
        service_discovery_namespace_id   = "ns-1"
        service_discovery_namespace_name = "adhoc.internal"
        rds_address                      = "adhoc.x.us-east-1.rds.amazonaws.com"
        rds_port                         = 5432
        task_execution_role_arn          = "arn:aws:iam::123456789012:role/adhoc-actions/adhoc-ecs-task-execution"
        iam_role_path                    = "/adhoc-actions/"
        permissions_boundary_arn         = "arn:aws:iam::123456789012:policy/adhoc-actions-boundaries/workload-boundary"
        secrets_prefix                   = "adhoc"
        django_secret_key_arn            = "arn:aws:secretsmanager:us-east-1:123456789012:secret:adhoc/django-secret-key-AbCdEf"
        db_admin_task_definition         = "adhoc-db-admin"
      }
    }
  }
}

variables {
  name               = "feature-abc"
  ecr_registry       = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
  backend_image_tag  = "v1.0.0"
  frontend_image_tag = "v2.0.0"
}

run "feature_abc_plans_with_outputs_for_the_workflows" {
  command = plan

  # Tests run in the "default" workspace; the check warns that it differs from the name.
  expect_failures = [check.workspace_matches_name]

  assert {
    condition     = output.cluster_name == "feature-abc" && output.url == "https://feature-abc.dev.example.com"
    error_message = "Cluster and URL derive from the environment name."
  }

  assert {
    condition     = output.task_families.migrate == "feature-abc-migrate" && output.database_name == "feature_abc"
    error_message = "One-off family and database name for the workflows."
  }

  assert {
    condition     = output.network_configuration.assign_public_ip && output.network_configuration.subnets == tolist(["subnet-a", "subnet-b"])
    error_message = "Network settings come from the shared state."
  }
}

# What the build workflow hands over: a digest pins repo@sha256:…, a tag gives repo:tag.
run "digest_pins_the_image_tag_names_it" {
  command = apply

  variables {
    backend_image_tag  = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    frontend_image_tag = "sha-0123abc"
  }

  expect_failures = [check.workspace_matches_name]

  assert {
    condition = module.environment.images_of_first_revision == {
      backend  = "123456789012.dkr.ecr.us-east-1.amazonaws.com/backend@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
      frontend = "123456789012.dkr.ecr.us-east-1.amazonaws.com/frontend:sha-0123abc"
    }
    error_message = "A digest gives repo@sha256:<digest>, a tag repo:<tag>."
  }
}

run "rejects_a_short_digest" {
  command = plan

  variables {
    backend_image_tag = "sha256:abc"
  }

  expect_failures = [var.backend_image_tag, check.workspace_matches_name]
}

run "rejects_a_tag_with_a_slash" {
  command = plan

  variables {
    frontend_image_tag = "feature/x"
  }

  expect_failures = [var.frontend_image_tag, check.workspace_matches_name]
}

# Staging in a production account of its own deploys the build account's release images: the
# repository comes in full (ad-hoc-deploy's backend-repository), not as a name of this account.
run "a_repository_given_in_full_is_taken_as_it_is" {
  command = apply
  # A state of its own: the first revision's images are frozen once made (ignore_changes).
  state_key = "full_repository"

  variables {
    backend_repository = "222222222222.dkr.ecr.us-east-1.amazonaws.com/backend"
    backend_image_tag  = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    frontend_image_tag = "sha-0123abc"
  }

  expect_failures = [check.workspace_matches_name]

  assert {
    condition = module.environment.images_of_first_revision == {
      backend  = "222222222222.dkr.ecr.us-east-1.amazonaws.com/backend@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
      frontend = "123456789012.dkr.ecr.us-east-1.amazonaws.com/frontend:sha-0123abc"
    }
    error_message = "A full repository keeps its registry; a name is this account's."
  }
}
