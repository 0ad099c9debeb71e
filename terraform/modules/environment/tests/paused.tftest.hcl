# Pause and keep-until: what the pause workflow and the janitor rely on.
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
  backend_image                    = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/backend:abc123"
  frontend_image                   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/frontend:abc123"
  s3_bucket_prefix                 = "acme-adhoc-"
  secrets = {
    POSTGRES_PASSWORD = "arn:aws:ssm:eu-west-1:123456789012:parameter/adhoc/feature-abc/db-password"
    SECRET_KEY        = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:adhoc/django-secret-key"
  }
}

run "running_by_default" {
  command = plan

  assert {
    condition     = length(aws_lb_listener_rule.paused) == 0 && alltrue([for s in aws_ecs_service.this : s.desired_count > 0])
    error_message = "Not paused: no paused page, every fixed-count service runs."
  }

  assert {
    condition     = !contains(keys(aws_ecs_cluster.this.tags), "adhoc-actions:paused") && !contains(keys(aws_ecs_cluster.this.tags), "adhoc-actions:keep-until")
    error_message = "No pause or keep-until tag unless set."
  }

  assert {
    condition     = alltrue([for r in aws_lb_listener_rule.backend : one(one([for c in r.condition : c.host_header if length(c.host_header) > 0])).values == toset(["feature-abc.dev.example.com"])])
    error_message = "Backend path rules answer the environment's host."
  }
}

run "paused" {
  command = plan

  variables {
    paused     = true
    keep_until = "2026-12-24"
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.this : s.desired_count == 0])
    error_message = "Paused: every fixed-count service is scaled to 0."
  }

  assert {
    condition     = aws_ecs_cluster.this.tags["adhoc-actions:paused"] == "true" && aws_ecs_cluster.this.tags["adhoc-actions:keep-until"] == "2026-12-24"
    error_message = "The cluster carries the paused and keep-until tags the janitor reads."
  }

  assert {
    condition = (
      length(aws_lb_listener_rule.paused) == 1 &&
      aws_lb_listener_rule.paused[0].action[0].type == "fixed-response" &&
      aws_lb_listener_rule.paused[0].action[0].fixed_response[0].status_code == "200" &&
      strcontains(aws_lb_listener_rule.paused[0].action[0].fixed_response[0].message_body, "adhoc-actions: paused") &&
      strcontains(aws_lb_listener_rule.paused[0].action[0].fixed_response[0].message_body, "feature-abc is paused") &&
      length(aws_lb_listener_rule.paused[0].action[0].fixed_response[0].message_body) <= 1024
    )
    error_message = "Paused: the URL answers a page (200, at most 1024 bytes) that says so and carries the marker."
  }

  assert {
    condition = (
      aws_lb_listener_rule.paused[0].priority > max([for r in aws_lb_listener_rule.backend : r.priority]...) &&
      aws_lb_listener_rule.paused[0].priority < aws_lb_listener_rule.frontend.priority &&
      alltrue([for r in aws_lb_listener_rule.backend : one(one([for c in r.condition : c.host_header if length(c.host_header) > 0])).values == toset(["paused--feature-abc.dev.example.com"])])
    )
    error_message = "The paused page comes before the frontend's catch-all, and the backend paths no longer answer the host."
  }

  assert {
    condition     = aws_lb_target_group.gunicorn.name == "feature-abc-gunicorn" && alltrue([for r in aws_route53_record.this : r.name == "feature-abc.dev.example.com"]) && length(aws_route53_record.this) == 1 && aws_s3_bucket.this.bucket == "acme-adhoc-feature-abc"
    error_message = "Pausing keeps the target groups, the DNS name and the bucket."
  }
}

run "paused_with_autoscaling" {
  command = plan

  variables {
    paused              = true
    autoscaling_enabled = true
  }

  assert {
    condition     = alltrue([for t in aws_appautoscaling_target.this : t.min_capacity == 0 && t.max_capacity == 0])
    error_message = "Paused: autoscaled services get a range of 0, so the scaler scales them in."
  }
}

run "rejects_a_keep_until_that_is_not_a_date" {
  command = plan

  variables {
    keep_until = "next week"
  }

  expect_failures = [var.keep_until]
}

run "rejects_an_unusual_paused_status" {
  command = plan

  variables {
    paused_status_code = 302
  }

  expect_failures = [var.paused_status_code]
}
