# Plans the example with the envs/feature-abc.tfvars values and a fake shared state.
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
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
