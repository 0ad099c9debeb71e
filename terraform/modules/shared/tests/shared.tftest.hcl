mock_provider "aws" {
  # Realistic values for the data sources the policies are built from.
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { id = "eu-west-1", name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  # Valid ARNs for the runs that apply (the provider checks them on dependants).
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/adhoc/0123456789abcdef" }
  }
  mock_resource "aws_lb_listener" {
    defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/adhoc/0123456789abcdef/0123456789abcdef" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/adhoc-actions/adhoc-ecs-task-execution" }
  }
  # manage_master_user_password: RDS makes this secret (db-admin reads it).
  mock_resource "aws_db_instance" {
    defaults = {
      master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-AbCdEf", kms_key_id = "alias/aws/secretsmanager", secret_status = "active" }]
    }
  }
}

variables {
  permissions_boundary_arn = "arn:aws:iam::123456789012:policy/adhoc-actions-boundaries/workload-boundary"
  name                     = "adhoc"
  domain                   = "dev.example.com"
  route53_zone_id          = "Z0123456789ABCDEFGHIJ"
  certificate_arn          = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
  azs                      = ["eu-west-1a", "eu-west-1b"]
}

run "network_spans_two_azs_without_nat_by_default" {
  command = plan

  assert {
    condition     = length(aws_subnet.public) == 2 && length(aws_subnet.private) == 2
    error_message = "Expected a public and a private subnet per AZ."
  }

  assert {
    condition     = aws_vpc.this.enable_dns_support && aws_vpc.this.enable_dns_hostnames
    error_message = "Cloud Map needs DNS support and hostnames in the VPC."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && output.assign_public_ip == true
    error_message = "No NAT gateway by default (cost); tasks then need a public IP."
  }

  assert {
    condition     = length(setintersection(toset(aws_subnet.public[*].cidr_block), toset(aws_subnet.private[*].cidr_block))) == 0
    error_message = "Subnet CIDRs must not overlap."
  }
}

run "nat_gateway_optional" {
  command = plan

  variables {
    enable_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && output.assign_public_ip == false
    error_message = "enable_nat_gateway creates one NAT gateway and tasks run without public IPs."
  }
}

run "only_the_alb_is_open_to_the_internet" {
  command = plan

  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.alb : r.from_port]) == toset([80, 443])
    error_message = "The ALB accepts 80 and 443."
  }

  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.alb : r.cidr_ipv4 == "0.0.0.0/0"])
    error_message = "The ALB is public."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.app_from_alb.cidr_ipv4 == null
    error_message = "App tasks accept traffic from security groups only, never from CIDRs."
  }

  assert {
    condition     = keys(aws_vpc_security_group_ingress_rule.rds) == ["app"] && aws_vpc_security_group_ingress_rule.rds["app"].from_port == 5432
    error_message = "RDS accepts PostgreSQL from the app security group only."
  }
}

run "rds_private_with_managed_password" {
  command = plan

  assert {
    condition     = aws_db_instance.this.publicly_accessible == false
    error_message = "RDS must not be publicly accessible."
  }

  assert {
    condition     = aws_db_instance.this.manage_master_user_password == true && aws_db_instance.this.password == null
    error_message = "The master password must be managed by AWS."
  }

  assert {
    condition     = aws_db_instance.this.engine == "postgres" && startswith(aws_db_instance.this.engine_version, "15")
    error_message = "Expected PostgreSQL 15."
  }

  assert {
    condition     = aws_db_instance.this.storage_encrypted
    error_message = "RDS storage must be encrypted."
  }
}

run "alb_https_with_redirect_and_404" {
  command = plan

  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "redirect" && aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS"
    error_message = "HTTP must redirect to HTTPS."
  }

  assert {
    condition     = aws_lb_listener.https.certificate_arn == var.certificate_arn && aws_lb_listener.https.default_action[0].fixed_response[0].status_code == "404"
    error_message = "HTTPS uses the given certificate and answers unknown hosts with 404."
  }

  assert {
    condition     = length(aws_acm_certificate.wildcard) == 0
    error_message = "No certificate is created when one is given."
  }

  assert {
    condition     = aws_lb.this.name == "adhoc-alb" && length(aws_lb.this.name) <= 32
    error_message = "ALB name derives from name and fits 32 characters."
  }
}

run "wildcard_certificate_created_when_missing" {
  command = plan

  variables {
    certificate_arn = null
  }

  assert {
    condition     = aws_acm_certificate.wildcard[0].domain_name == "*.dev.example.com" && aws_acm_certificate.wildcard[0].validation_method == "DNS"
    error_message = "A DNS-validated wildcard certificate is created."
  }
}

run "namespace_and_execution_role" {
  command = plan

  assert {
    condition     = aws_service_discovery_private_dns_namespace.this.name == "adhoc.internal"
    error_message = "Namespace defaults to <name>.internal."
  }

  assert {
    condition     = aws_iam_role.task_execution.path == "/adhoc-actions/"
    error_message = "Roles live under the path the deploy role may pass."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.task_execution_secrets.policy).Statement :
      !strcontains(s.Resource, ":*:") && endswith(s.Resource, "adhoc/*")
    ])
    error_message = "The execution role reads only secrets under the stack prefix."
  }

  assert {
    condition     = length(aws_instance.bastion) == 0
    error_message = "No bastion by default."
  }
}

run "bastion_requires_ami" {
  command = plan

  variables {
    create_bastion = true
  }

  expect_failures = [aws_instance.bastion]
}

run "rejects_long_name" {
  command = plan

  variables {
    name = "a-very-long-shared-stack-name"
  }

  expect_failures = [var.name]
}

run "rejects_uppercase_name" {
  command = plan

  variables {
    name = "AdHoc"
  }

  expect_failures = [var.name]
}

run "rejects_protected_database_without_backups" {
  command = plan

  variables {
    db_deletion_protection   = true
    db_backup_retention_days = 0
  }

  expect_failures = [aws_db_instance.this]
}

# A fixed "<name>-final" made the second destroy of a same-named stack fail with
# DBSnapshotAlreadyExists; the name now carries the stack's creation time, kept in state.
run "final_snapshot_named_per_incarnation" {
  command = apply

  assert {
    condition     = can(regex("^adhoc-final-[0-9]{14}$", output.database_protection.final_snapshot_identifier))
    error_message = "The final snapshot must be named <name>-final-<creation time>, not a fixed <name>-final."
  }
}

run "final_snapshot_name_stable_across_plans" {
  command = plan

  assert {
    condition     = aws_db_instance.this.final_snapshot_identifier == run.final_snapshot_named_per_incarnation.database_protection.final_snapshot_identifier
    error_message = "The final snapshot name must not change on later plans (no perpetual diff)."
  }
}

run "db_admin_reads_the_managed_master_secret" {
  command = apply

  # Old: create-database's ecs-task mode needed a "db-admin" task definition nobody made, so
  # a GitHub-hosted runner had no way to the private RDS but a DATABASE_ADMIN_URL secret.
  assert {
    condition = (
      aws_ecs_task_definition.db_admin.family == "adhoc-db-admin" &&
      jsondecode(aws_ecs_task_definition.db_admin.container_definitions)[0].secrets == [
        { name = "PGUSER", valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-AbCdEf:username::" },
        { name = "PGPASSWORD", valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-AbCdEf:password::" },
      ]
    )
    error_message = "db-admin must take PGUSER and PGPASSWORD from the RDS-managed master secret, which RDS rotates."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.task_execution_master_secret.policy).Statement[0].Resource == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-AbCdEf"
    error_message = "The execution role reads the master secret and no other outside its prefix."
  }

  assert {
    condition     = aws_secretsmanager_secret.django_secret_key.name == "adhoc/django-secret-key" && output.django_secret_key_arn != null
    error_message = "The stack makes the secret Django's SECRET_KEY is read from (its value set once by hand, never in state)."
  }
}
